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
 * docker-compose.yml's serve service, checked without starting it (deploy/'s ComposeSmokeIT starts
 * it): every variable it sets is an option the server reads, it is published on the host's loopback
 * unless BIND_ADDRESS says otherwise, it runs the project's image, its password comes from a secret
 * file, and the change trigger it listens to is applied by migrate.
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
      String variable = m.group(1).endsWith(ServeOptions.FILE_SUFFIX)
          ? m.group(1).substring(0, m.group(1).length() - ServeOptions.FILE_SUFFIX.length()) : m.group(1);
      if (!ServeOptions.variables().contains(variable)) {
        unknown.add(m.group(1));
      }
    }
    assertThat(unknown, empty());
    assertTrue(n >= 6);
  }

  @Test
  public void itIsPublishedOnLoopbackReadsItsPasswordFromASecretAndMigrateAppliesItsTrigger() throws Exception {
    String block = serviceBlock();
    assertThat(block, containsString("- \"${BIND_ADDRESS:-127.0.0.1}:${SERVE_PORT:-8080}:8080\""));
    assertThat(block, containsString("image: candles/app:"));
    assertThat(block, containsString("/app/candles-serve.jar"));
    assertThat(block, containsString("SERVE_JDBC_USER: " + CandleTable.READER_ROLE));
    assertThat(block, containsString("SERVE_JDBC_PASSWORD_FILE: /run/secrets/reader_password"));
    assertThat(block, containsString("healthcheck:"));
    assertThat(Files.readString(ROOT.resolve("docker/app/Dockerfile")), containsString("serve/target/candles-serve.jar"));
    assertThat(Files.readString(ROOT.resolve("docker/postgres/migrate.sh")), containsString("\\i /sql/serve.sql"));
  }
}
