package io.candles.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/** The captured real logs under src/test/resources/tail/, and times as their lines write them. */
final class TailLogs {
  private TailLogs() {
  }

  static List<String> lines(String name) {
    try (InputStream in = TailLogs.class.getResourceAsStream("/tail/" + name)) {
      if (in == null) {
        throw new IllegalStateException("no test resource tail/" + name);
      }
      return List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Epoch milliseconds of an ISO-8601 UTC time, e.g. "2026-12-02T14:29:07.314Z". */
  static long utc(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }
}
