package io.candles.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasSize;

import io.candles.flinkcluster.FlinkCluster;
import io.candles.testkit.LiveTicks;
import io.candles.testkit.Services;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.Test;

/**
 * Exactly-once on a real Flink session cluster, proven by failure: two TaskManagers (two slots
 * each), the candle job at parallelism 2 and otherwise at its defaults reading four partitions, live
 * ticks over four pairs; once a checkpoint has completed, one TaskManager that runs part of the job
 * is killed with kill -9 mid-stream. The job must recover on its own (restored from the checkpoint,
 * on the slots left), and once the stream is over the candle table must hold exactly the candles of
 * the records in Kafka, final where the window has ended: no tick lost, none counted twice, no
 * window final before all its ticks were in.
 */
public class FlinkTaskManagerKillIT {

  @Test
  public void killingATaskManagerMidStreamLosesNothingAndCountsNothingTwice() throws Exception {
    FailureRun run = FailureRun.create("tmkill", 4, 20211014);
    Path dir = Services.dataDir("flink");
    try (FlinkCluster cluster = FlinkCluster.builder(dir).taskManagers(2).slotsPerTaskManager(2).start()) {
      FlinkRest job = FailureRun.submit(cluster, dir.resolve("submit.log"),
          run.flinkArguments(cluster, "candles-tmkill"));
      try (LiveTicks ticks = run.live(100, Duration.ofSeconds(90))) {
        // Mid-stream, after a completed checkpoint, with candles already written.
        run.awaitCheckpointMidStream(job, ticks, 1);
        List<String> busy = job.taskManagersOfJob();
        assertThat("the job's instances are spread over both TaskManagers", busy, hasSize(2));
        FlinkCluster.Member victim = cluster.taskManagers().stream()
            .filter(tm -> tm.name().equals(busy.get(0))).findFirst().orElseThrow();
        victim.kill();
        FailureRun.assertMidStream(ticks, "when the TaskManager dies");

        // Recovery on its own: restored from the last checkpoint onto the two slots left.
        job.await("a restore from a checkpoint", j -> j.restoredCheckpoints() >= 1, Duration.ofSeconds(120));
        job.await("all tasks running again", FlinkRest::allTasksRunning, Duration.ofSeconds(120));

        run.assertConverged(ticks, 3500, Duration.ofSeconds(90),
            () -> "job: " + job.get("/jobs/" + job.jobId()).map(Object::toString).orElse("?"));
      } finally {
        job.cancel();
      }
    }
  }
}
