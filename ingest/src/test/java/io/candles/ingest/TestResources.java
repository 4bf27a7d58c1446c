package io.candles.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads captured payloads from src/test/resources. */
public final class TestResources {
  private TestResources() {}

  /** The file's text without its final newline. */
  public static String text(String path) {
    try (InputStream in = TestResources.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + path);
      }
      String s = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The file's non-empty lines. */
  public static List<String> lines(String path) {
    List<String> out = new ArrayList<>();
    for (String l : text(path).split("\n")) {
      if (!l.isEmpty()) {
        out.add(l);
      }
    }
    return out;
  }
}
