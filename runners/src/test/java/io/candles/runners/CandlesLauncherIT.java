package io.candles.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;

import io.candles.devservices.KafkaBroker;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/** The launcher's checks with a real broker and no database. */
public class CandlesLauncherIT {
  private static KafkaBroker kafka;

  @BeforeClass
  public static void startBroker() throws IOException {
    Path root = Files.createDirectories(Paths.get("target", "it-services"));
    kafka = KafkaBroker.start(Files.createTempDirectory(root, "kafka-"));
  }

  @AfterClass
  public static void stopBroker() {
    if (kafka != null) {
      kafka.stop();
    }
  }

  @Test
  public void anUnreachableDatabaseIsOneLineNamingTheUrl() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    String url = "jdbc:postgresql://127.0.0.1:" + closedPort + "/postgres";
    LauncherOutput r = LauncherOutput.run(
        "--bootstrapServers=" + kafka.bootstrapServers(), "--jdbcUrl=" + url);
    assertEquals(r.err(), 3, r.exitCode());
    assertEquals(r.err(), 1, r.errorLines());
    assertThat(r.err(), containsString("error: PostgreSQL not reachable at " + url + " (--jdbcUrl)"));
  }
}
