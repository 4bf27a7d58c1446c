package io.candles.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import io.candles.flinkcluster.FlinkCluster;
import io.candles.pipeline.JdbcSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.Test;

/**
 * An upgrade on a real Flink session cluster: the running job is stopped with a savepoint
 * mid-stream (ticks keep arriving while no job runs), and the same pipeline is submitted again
 * from that savepoint. Nothing may be missed in the gap and nothing counted twice: the whole candle
 * table must end equal to the reference computed from the records in Kafka.
 */
public class FlinkSavepointIT {

  private static final long MINUTE = 60_000L;

  /** A savepoint location without its scheme and trailing slash: Flink writes it both ways. */
  private static String path(String location) {
    return location.replaceFirst("^file:(//)?", "").replaceFirst("/$", "");
  }

  @Test
  public void stopWithSavepointAndResumeLosesNothingAndCountsNothingTwice() throws Exception {
    String bootstrap = ItServices.kafka().bootstrapServers();
    JdbcSettings jdbc = ItServices.jdbc(ItServices.postgres());
    String topic = "ticks-savepoint";
    String table = "candles_savepoint";
    CandleReference.createTopics(bootstrap, topic, 4, topic + "-dlq");
    long base = (System.currentTimeMillis() / MINUTE) * MINUTE - 15 * MINUTE;
    CandleReference.Generated g = CandleReference.generate(base, base + 8 * MINUTE, 20211016);

    Path dir = ItServices.dataDir("flink");
    try (FlinkCluster cluster = FlinkCluster.builder(dir).taskManagers(1).slotsPerTaskManager(2).start()) {
      String firstJob;
      try (LauncherProcess submit = LauncherProcess.startJar(dir.resolve("submit-1.log"),
          FlinkTaskManagerKillIT.submitArgs(cluster, bootstrap, topic, jdbc, table, "candles-v1"))) {
        firstJob = submit.awaitOutput(FlinkTaskManagerKillIT.JOB_ID, Duration.ofSeconds(120));
      }
      FlinkRest v1 = new FlinkRest(cluster, firstJob);
      v1.await("all tasks running", FlinkRest::allTasksRunning, Duration.ofSeconds(90));

      try (CandleReference.Producer producer = new CandleReference.Producer(bootstrap, topic, g, 100)) {
        v1.await("a completed checkpoint with candles in the table",
            j -> j.completedCheckpoints() >= 1 && producer.produced() > 500
                && CandleReference.tickCountSum(jdbc, table) > 0, Duration.ofSeconds(90));
        String savepoint = v1.stopWithSavepoint(Duration.ofSeconds(60));
        v1.await("the old job finished", j -> j.state().filter("FINISHED"::equals).isPresent(),
            Duration.ofSeconds(30));
        int producedAtStop = producer.produced();
        assertTrue("the stream must still be flowing at the savepoint: " + producedAtStop + " of "
            + producer.total(), producedAtStop < producer.total() / 2);

        String secondJob;
        try (LauncherProcess submit = LauncherProcess.startJar(dir.resolve("submit-2.log"),
            FlinkTaskManagerKillIT.submitArgs(cluster, bootstrap, topic, jdbc, table, "candles-v2",
                "--savepointPath=" + savepoint))) {
          secondJob = submit.awaitOutput(FlinkTaskManagerKillIT.JOB_ID, Duration.ofSeconds(120));
          assertEquals("the submitting JVM exits once the job is submitted", Integer.valueOf(0),
              submit.waitFor(Duration.ofSeconds(60)).orElse(-1));
        }
        assertNotEquals(firstJob, secondJob);
        FlinkRest v2 = new FlinkRest(cluster, secondJob);
        v2.await("all tasks running", FlinkRest::allTasksRunning, Duration.ofSeconds(90));
        String restoredFrom = v2.get("/jobs/" + secondJob + "/checkpoints").map(c -> c.path("latest")
            .path("restored").path("external_path").asText()).orElse("");
        assertEquals("the new job was restored from the savepoint", path(savepoint), path(restoredFrom));

        producer.awaitDone(Duration.ofSeconds(120));
        List<CandleReference.Sent> sent = producer.sent();
        assertThat(sent.size(), greaterThanOrEqualTo(3500));
        CandleReference.awaitTableEquals(jdbc, table, CandleReference.reference(sent), Duration.ofSeconds(90),
            () -> "job: " + v2.get("/jobs/" + secondJob).map(Object::toString).orElse("?"));
        v2.cancel();
      }
    }
  }
}
