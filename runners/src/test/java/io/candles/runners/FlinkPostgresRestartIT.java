package io.candles.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.candles.devservices.PostgresServer;
import io.candles.flinkcluster.FlinkCluster;
import io.candles.pipeline.JdbcSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.Test;

/**
 * PostgreSQL goes away mid-stream for several seconds and comes back on the same address. Writes
 * that fail are retried (by JdbcIO, and beyond its retries by Flink restarting the job from its last
 * checkpoint); when the stream is over the whole candle table must equal the reference.
 */
public class FlinkPostgresRestartIT {

  private static final long MINUTE = 60_000L;

  @Test
  public void aPostgresRestartMidStreamLosesNothingAndCountsNothingTwice() throws Exception {
    String bootstrap = ItServices.kafka().bootstrapServers();
    String topic = "ticks-pgrestart";
    String table = "candles_pgrestart";
    CandleReference.createTopics(bootstrap, topic, 4, topic + "-dlq");
    long base = (System.currentTimeMillis() / MINUTE) * MINUTE - 15 * MINUTE;
    CandleReference.Generated g = CandleReference.generate(base, base + 8 * MINUTE, 20211017);

    Path pgDir = ItServices.dataDir("postgres-restart");
    PostgresServer postgres = PostgresServer.start(pgDir);
    Path dir = ItServices.dataDir("flink");
    try (FlinkCluster cluster = FlinkCluster.builder(dir).taskManagers(1).slotsPerTaskManager(2).start()) {
      JdbcSettings jdbc = ItServices.jdbc(postgres);
      String jobId;
      try (LauncherProcess submit = LauncherProcess.startJar(dir.resolve("submit.log"),
          FlinkTaskManagerKillIT.submitArgs(cluster, bootstrap, topic, jdbc, table, "candles-pgrestart"))) {
        jobId = submit.awaitOutput(FlinkTaskManagerKillIT.JOB_ID, Duration.ofSeconds(120));
      }
      FlinkRest job = new FlinkRest(cluster, jobId);
      job.await("all tasks running", FlinkRest::allTasksRunning, Duration.ofSeconds(90));

      try (CandleReference.Producer producer = new CandleReference.Producer(bootstrap, topic, g, 100)) {
        job.await("a completed checkpoint with candles in the table",
            j -> j.completedCheckpoints() >= 1 && producer.produced() > 500
                && CandleReference.tickCountSum(jdbc, table) > 0, Duration.ofSeconds(90));
        int port = postgres.port();
        postgres.stop();
        int producedAtStop = producer.produced();
        // Down for a while, as a database failover or restart is: ticks keep coming meanwhile.
        long downUntil = System.nanoTime() + Duration.ofSeconds(8).toNanos();
        while (System.nanoTime() < downUntil) {
          assertTrue("the job must not give up while the database is down",
              job.state().filter(s -> !s.equals("FAILED")).isPresent());
          Thread.sleep(500);
        }
        postgres = PostgresServer.start(pgDir);
        assertEquals("PostgreSQL comes back on the same address", port, postgres.port());
        assertTrue("the stream must still be flowing while the database is down: " + producedAtStop + " of "
            + producer.total(), producedAtStop < producer.total() / 2);

        producer.awaitDone(Duration.ofSeconds(120));
        List<CandleReference.Sent> sent = producer.sent();
        assertThat(sent.size(), greaterThanOrEqualTo(3500));
        CandleReference.awaitTableEquals(jdbc, table, CandleReference.reference(sent), Duration.ofSeconds(120),
            () -> "job: " + job.get("/jobs/" + jobId).map(Object::toString).orElse("?") + "\nexceptions: "
                + job.get("/jobs/" + jobId + "/exceptions?maxExceptions=3").map(Object::toString).orElse("?"));
        job.cancel();
      }
    } finally {
      postgres.stop();
    }
  }
}
