package io.candles.runners;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.candles.devservices.PostgresServer;
import io.candles.flinkcluster.FlinkCluster;
import io.candles.testkit.Database;
import io.candles.testkit.LiveTicks;
import io.candles.testkit.Services;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.Test;

/**
 * PostgreSQL goes away mid-stream for several seconds and comes back on the same address. Writes
 * that fail are retried (by JdbcIO, and beyond its retries by Flink restarting the job from its last
 * checkpoint); when the stream is over the candle table must hold exactly the candles of the
 * records in Kafka, final where the window has ended, none final early.
 */
public class FlinkPostgresRestartIT {

  @Test
  public void aPostgresRestartMidStreamLosesNothingAndCountsNothingTwice() throws Exception {
    Path pgDir = Services.dataDir("postgres-restart");
    PostgresServer postgres = PostgresServer.start(pgDir);
    Path dir = Services.dataDir("flink");
    try (FlinkCluster cluster = FlinkCluster.builder(dir).taskManagers(1).slotsPerTaskManager(2).start()) {
      Database db = new Database(postgres.jdbcUrl(), postgres.user(), postgres.password());
      FailureRun run = FailureRun.create("pgrestart", 4, db, FailureRun.pairs(4, 20211017));
      FlinkRest job = FailureRun.submit(cluster, dir.resolve("submit.log"),
          run.flinkArguments(cluster, "candles-pgrestart"));
      try (LiveTicks ticks = run.live(100, Duration.ofSeconds(90))) {
        run.awaitCheckpointMidStream(job, ticks, 1);
        int port = postgres.port();
        postgres.stop();
        // Down for a while, as a database failover or restart is: ticks keep coming meanwhile.
        long downUntil = System.nanoTime() + Duration.ofSeconds(8).toNanos();
        while (System.nanoTime() < downUntil) {
          assertTrue("the job must not give up while the database is down",
              job.state().filter(s -> !s.equals("FAILED")).isPresent());
          Thread.sleep(500);
        }
        FailureRun.assertMidStream(ticks, "while the database is down");
        postgres = PostgresServer.start(pgDir);
        assertEquals("PostgreSQL comes back on the same address", port, postgres.port());

        run.assertConverged(ticks, 3500, Duration.ofSeconds(120),
            () -> "job: " + job.get("/jobs/" + job.jobId()).map(Object::toString).orElse("?") + "\nexceptions: "
                + job.get("/jobs/" + job.jobId() + "/exceptions?maxExceptions=3").map(Object::toString)
                    .orElse("?"));
        job.cancel();
      }
    } finally {
      postgres.stop();
    }
  }
}
