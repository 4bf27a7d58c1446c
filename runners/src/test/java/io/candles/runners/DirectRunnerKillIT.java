package io.candles.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.Assert.assertTrue;

import io.candles.pipeline.JdbcSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.Test;

/**
 * The DirectRunner has no checkpoints: its plan for a crash is to start again from the earliest
 * offsets with empty state, recompute every window from its first tick, and let the upsert guard
 * keep each row at its newest state (a replayed pane with fewer ticks than the row never overwrites
 * it; the complete pane has the same ticks and replaces it or changes nothing). This test kills the
 * launcher's JVM with kill -9 mid-stream, starts the very same command again, and requires the whole
 * candle table to end equal to the reference computed from the records in Kafka.
 */
public class DirectRunnerKillIT {

  private static final Pattern RUNNING = Pattern.compile("Candle pipeline running on DirectRunner");
  private static final long MINUTE = 60_000L;

  @Test
  public void killingThePipelineMidStreamAndStartingItAgainConverges() throws Exception {
    String bootstrap = ItServices.kafka().bootstrapServers();
    JdbcSettings jdbc = ItServices.jdbc(ItServices.postgres());
    String topic = "ticks-directkill";
    String table = "candles_directkill";
    CandleReference.createTopics(bootstrap, topic, 4, topic + "-dlq");

    long base = (System.currentTimeMillis() / MINUTE) * MINUTE - 15 * MINUTE;
    CandleReference.Generated g = CandleReference.generate(base, base + 8 * MINUTE, 20211015);
    List<String> command = List.of(
        "--bootstrapServers=" + bootstrap, "--topic=" + topic, "--dlqTopic=" + topic + "-dlq",
        "--jdbcUrl=" + jdbc.url(), "--jdbcUser=" + jdbc.user(), "--jdbcPassword=" + jdbc.password(),
        "--table=" + table, "--idleTimeout=10s");
    Path log = ItServices.dataDir("directkill").resolve("launcher.log");

    try (CandleReference.Producer producer = new CandleReference.Producer(bootstrap, topic, g, 100)) {
      int producedAtKill;
      try (LauncherProcess first = LauncherProcess.startClasspath(log, command)) {
        first.awaitOutput(RUNNING, Duration.ofSeconds(60));
        awaitProgress(jdbc, table, producer, first);
        producedAtKill = producer.produced();
        first.kill();
      }
      assertTrue("the stream must still be flowing when the pipeline dies: " + producedAtKill + " of "
          + producer.total(), producedAtKill < producer.total() * 3 / 4);
      long rowsAfterKill = CandleReference.readTable(jdbc, table).size();
      assertTrue("the first run wrote candles before it died", rowsAfterKill > 0);

      // The same command again: it reads from the earliest offset and recomputes every window.
      try (LauncherProcess second = LauncherProcess.startClasspath(log, command)) {
        producer.awaitDone(Duration.ofSeconds(120));
        List<CandleReference.Sent> sent = producer.sent();
        assertThat(sent.size(), greaterThanOrEqualTo(3500));
        CandleReference.awaitTableEquals(jdbc, table, CandleReference.reference(sent), Duration.ofSeconds(120),
            second::tail);
        assertTrue("the second run is still running", second.isAlive());
      }
    }
  }

  /** Waits until the pipeline has written candles and at least 600 records are out. */
  private static void awaitProgress(JdbcSettings jdbc, String table, CandleReference.Producer producer,
      LauncherProcess launcher) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!(producer.produced() >= 600 && CandleReference.tickCountSum(jdbc, table) > 0)) {
      if (!launcher.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("no candles written mid-stream; " + launcher.tail());
      }
      Thread.sleep(250);
    }
  }
}
