package io.candles.serve;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Test;

/**
 * docker-compose.yml's serve service, checked without a Docker engine (there is none here): every
 * variable it sets is an option the server reads, it is published on the host's loopback only,
 * its image and its Dockerfile's base images are pinned, and it applies the set-up as the owner.
 */
public class ServeComposeTest {
  private static final Path ROOT = Paths.get("..").toAbsolutePath().normalize();

  private static String serviceBlock() throws Exception {
    String compose = Files.readString(ROOT.resolve("docker-compose.yml"));
    int start = compose.indexOf("\n  serve:\n");
    assertTrue("a serve service", start >= 0);
    Matcher next = Pattern.compile("\n  [a-z][a-z-]*:\n|\n[a-z]").matcher(compose);
    int end = next.find(start + 10) ? next.start() : compose.length();
    return compose.substring(start, end);
  }

  @Test
  public void everyVariableIsAnOptionTheServerReads() throws Exception {
    Matcher m = Pattern.compile("\n\\s+(SERVE_[A-Z_]+):").matcher(serviceBlock());
    List<String> unknown = new ArrayList<>();
    int n = 0;
    while (m.find()) {
      n++;
      if (!ServeOptions.variables().contains(m.group(1))) {
        unknown.add(m.group(1));
      }
    }
    assertThat(unknown, empty());
    assertTrue(n >= 6);
  }

  @Test
  public void itIsPublishedOnLoopbackOnlyPinnedAndSetsItselfUp() throws Exception {
    String block = serviceBlock();
    assertThat(block, containsString("- \"127.0.0.1:8080:8080\""));
    assertThat(block, containsString("image: candles-serve:0.1.0"));
    assertThat(block, containsString("SERVE_SETUP_JDBC_USER: candles"));
    assertThat(block, containsString("SERVE_JDBC_USER: " + CandleTable.READER_ROLE));
    assertThat(block, containsString("healthcheck:"));
    assertThat(block, containsString("dockerfile: docker/serve.Dockerfile"));
    List<String> from = Files.readAllLines(ROOT.resolve("docker/serve.Dockerfile")).stream()
        .filter(l -> l.startsWith("FROM ")).toList();
    assertEquals(2, from.size());
    for (String l : from) {
      String image = l.split("\\s+")[1];
      assertTrue(l, image.contains(":") && !image.endsWith(":latest"));
    }
  }
}
