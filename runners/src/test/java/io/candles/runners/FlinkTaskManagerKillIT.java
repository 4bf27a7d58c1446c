package io.candles.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.Assert.assertTrue;

import io.candles.flinkcluster.FlinkCluster;
import io.candles.pipeline.JdbcSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.Test;

/**
 * Exactly-once on a real Flink session cluster, proven by failure: two TaskManagers (two slots
 * each), the candle job at parallelism 2 reading four partitions, a steady stream of ticks over four
 * pairs; once a checkpoint has completed, one TaskManager that runs part of the job is killed with
 * kill -9 mid-stream. The job must recover on its own (restored from the checkpoint, on the slots
 * left), and once the stream is over the whole candle table must equal the reference computed from
 * the records in Kafka: no tick lost, none counted twice.
 */
public class FlinkTaskManagerKillIT {

  static final Pattern JOB_ID = Pattern.compile("Flink job ([0-9a-f]{32}) submitted");
  private static final long MINUTE = 60_000L;

  @Test
  public void killingATaskManagerMidStreamLosesNothingAndCountsNothingTwice() throws Exception {
    String bootstrap = ItServices.kafka().bootstrapServers();
    JdbcSettings jdbc = ItServices.jdbc(ItServices.postgres());
    String topic = "ticks-tmkill";
    String table = "candles_tmkill";
    CandleReference.createTopics(bootstrap, topic, 4, topic + "-dlq");

    // Eight minutes of event time, all in the past, produced over about 40 s once the job runs:
    // every window has ended when the stream is over, so the whole table must then be final.
    long base = (System.currentTimeMillis() / MINUTE) * MINUTE - 15 * MINUTE;
    CandleReference.Generated g = CandleReference.generate(base, base + 8 * MINUTE, 20211014);

    Path dir = ItServices.dataDir("flink");
    try (FlinkCluster cluster = FlinkCluster.builder(dir).taskManagers(2).slotsPerTaskManager(2).start();
        LauncherProcess submit = LauncherProcess.startJar(dir.resolve("submit.log"), submitArgs(
            cluster, bootstrap, topic, jdbc, table, "candles-tmkill"))) {
      String jobId = submit.awaitOutput(JOB_ID, Duration.ofSeconds(120));
      FlinkRest job = new FlinkRest(cluster, jobId);
      job.await("all tasks running", FlinkRest::allTasksRunning, Duration.ofSeconds(90));

      try (CandleReference.Producer producer = new CandleReference.Producer(bootstrap, topic, g, 100)) {
        // Mid-stream, after a completed checkpoint, with candles already written.
        job.await("a completed checkpoint with candles in the table",
            j -> j.completedCheckpoints() >= 1 && producer.produced() > 500
                && CandleReference.tickCountSum(jdbc, table) > 0, Duration.ofSeconds(90));
        List<String> busy = job.taskManagersOfJob();
        assertThat("the job's instances are spread over both TaskManagers", busy, hasSize(2));
        FlinkCluster.Member victim = cluster.taskManagers().stream()
            .filter(tm -> tm.name().equals(busy.get(0))).findFirst().orElseThrow();
        int producedAtKill = producer.produced();
        victim.kill();
        assertTrue("the stream must still be flowing when the TaskManager dies: " + producedAtKill + " of "
            + producer.total(), producedAtKill < producer.total() / 2);

        // Recovery on its own: restored from the last checkpoint onto the two slots left.
        job.await("a restore from a checkpoint", j -> j.restoredCheckpoints() >= 1, Duration.ofSeconds(120));
        job.await("all tasks running again", FlinkRest::allTasksRunning, Duration.ofSeconds(120));

        producer.awaitDone(Duration.ofSeconds(120));
        List<CandleReference.Sent> sent = producer.sent();
        assertThat(sent.size(), greaterThanOrEqualTo(3500));
        CandleReference.awaitTableEquals(jdbc, table, CandleReference.reference(sent), Duration.ofSeconds(90),
            () -> "job: " + job.get("/jobs/" + jobId).map(Object::toString).orElse("?"));
      } finally {
        job.cancel();
      }
    }
  }

  /** The launcher's arguments for a job on the cluster, at parallelism 2. */
  static List<String> submitArgs(FlinkCluster cluster, String bootstrap, String topic, JdbcSettings jdbc,
      String table, String jobName, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of(
        "--runner=FlinkRunner", "--flinkMaster=" + cluster.restAddress(), "--parallelism=2",
        "--bootstrapServers=" + bootstrap, "--topic=" + topic, "--dlqTopic=" + topic + "-dlq",
        "--jdbcUrl=" + jdbc.url(), "--jdbcUser=" + jdbc.user(), "--jdbcPassword=" + jdbc.password(),
        "--table=" + table, "--jobName=" + jobName,
        // A partition quiet this long while caught up lets the watermark advance: longer than any
        // pause of the producer on this busy machine, short enough to end the test soon.
        "--idleTimeout=10s",
        // Frequent checkpoints, so one completes early in a short test.
        "--checkpointingInterval=2000", "--minPauseBetweenCheckpoints=500"));
    args.addAll(List.of(more));
    return args;
  }
}
