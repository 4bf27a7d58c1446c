package io.candles.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.candles.flinkcluster.FlinkCluster;
import io.candles.testkit.LiveTicks;
import io.candles.testkit.Services;
import io.candles.testkit.TickStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.Test;

/**
 * An upgrade that changes the job, on a real Flink session cluster, with ticks arriving throughout:
 * the running job (parallelism 2, a topic of 3 partitions) is stopped with a savepoint mid-stream.
 * A changed --topic or --bootstrapServers is then refused in one line. The topic grows to 6
 * partitions, and a rebuilt jar, whose every pipeline class changed shape (a new field each, so a
 * new derived serialVersionUID) and whose options gained one, is resumed from the savepoint at
 * parallelism 4: it must restore, run at 4 with the Kafka read spread over more than the 2 workers
 * it had, read the new partitions, and end with the candle table holding exactly the candles of
 * the records in Kafka, final where the window has ended: nothing missed in the gap, nothing counted
 * twice, nothing final early. The job runs at its defaults otherwise, on live ticks.
 */
public class FlinkSavepointIT {

  /** A savepoint location without its scheme and trailing slash: Flink writes it both ways. */
  private static String path(String location) {
    return location.replaceFirst("^file:(//)?", "").replaceFirst("/$", "");
  }

  @Test
  public void aRebuiltJobResumesWithMorePartitionsAndParallelismAndRefusesAnotherTopicOrBroker() throws Exception {
    // Pairs left to Kafka's partitioner, whose keys fall on every partition of 3, and on one of each
    // split's partitions of 6 (murmur2 of the key): BTCUSDT 2 then 2, ETHUSDT 2 then 5, SOLUSDT 0
    // then 3, LTCUSDT 1 then 1.
    FailureRun run = FailureRun.create("savepoint", 3, Services.database(), new TickStream(List.of(
        TickStream.Pair.of("BTCUSDT", -1, "58000.00", "0.01"),
        TickStream.Pair.of("ETHUSDT", -1, "3000.00", "0.01"),
        TickStream.Pair.of("SOLUSDT", -1, "150.000", "0.001"),
        TickStream.Pair.of("LTCUSDT", -1, "70.00", "0.01")), 20211016));
    String bootstrap = run.bootstrap;
    String topic = run.topic;

    Path dir = Services.dataDir("flink");
    Path rebuilt = dir.resolve("candles-pipeline-rebuilt.jar");
    assertThat("classes replaced in the rebuilt jar", RebuiltJar.build(LauncherProcess.jar(), rebuilt),
        greaterThan(20));

    try (FlinkCluster cluster = FlinkCluster.builder(dir).taskManagers(2).slotsPerTaskManager(2).start()) {
      FlinkRest v1 = FailureRun.submit(cluster, dir.resolve("submit-1.log"),
          run.flinkArguments(cluster, "candles-v1"));
      String firstJob = v1.jobId();

      // The producer sees new partitions within a second (metadata.max.age.ms), as a live ingester would soon.
      try (LiveTicks ticks = run.live(40, Duration.ofSeconds(135), Map.of(ProducerConfig.METADATA_MAX_AGE_CONFIG, 1000))) {
        run.awaitCheckpointMidStream(v1, ticks, 1);
        String savepoint = v1.stopWithSavepoint(Duration.ofSeconds(60));
        v1.await("the old job finished", j -> j.state().filter("FINISHED"::equals).isPresent(),
            Duration.ofSeconds(30));
        FailureRun.assertMidStream(ticks, "at the savepoint");

        // Another topic or another broker address: refused, in one line, before anything is submitted.
        List<String> v2Args = run.flinkArguments(cluster, "candles-v2", "--savepointPath=" + savepoint);
        assertRefused(dir.resolve("refused-topic.log"), withOption(v2Args, "--topic=ticks-elsewhere"),
            "--topic=ticks-elsewhere, but the savepoint " + savepoint + " reads topic " + topic);
        String sameBrokerOtherName = bootstrap.replace("127.0.0.1", "localhost");
        assertRefused(dir.resolve("refused-broker.log"), withOption(v2Args, "--bootstrapServers=" + sameBrokerOtherName),
            "--bootstrapServers=" + sameBrokerOtherName + ", but the savepoint " + savepoint + " reads from " + bootstrap);

        // More partitions while no job runs, then the rebuilt jar at a higher parallelism.
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
          admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(6))).all().get();
        }
        String secondJob;
        try (LauncherProcess submit = LauncherProcess.startJar(rebuilt, dir.resolve("submit-2.log"),
            withOption(v2Args, "--parallelism=4"), Map.of())) {
          secondJob = submit.awaitOutput(FailureRun.JOB_ID, Duration.ofSeconds(120));
          assertEquals("the submitting JVM exits once the job is submitted", Integer.valueOf(0),
              submit.waitFor(Duration.ofSeconds(60)).orElse(-1));
        }
        assertNotEquals(firstJob, secondJob);
        FlinkRest v2 = new FlinkRest(cluster, secondJob);
        v2.await("all tasks running", FlinkRest::allTasksRunning, Duration.ofSeconds(120));
        String restoredFrom = v2.get("/jobs/" + secondJob + "/checkpoints").map(c -> c.path("latest")
            .path("restored").path("external_path").asText()).orElse("");
        assertEquals("the new job was restored from the savepoint", path(savepoint), path(restoredFrom));
        for (JsonNode vertex : v2.get("/jobs/" + secondJob).orElseThrow().path("vertices")) {
          assertEquals(vertex.path("name").asText(), 4, vertex.path("parallelism").asInt());
        }

        List<TickStream.Sent> sent = run.assertConverged(ticks, 4500, Duration.ofSeconds(120),
            () -> "job: " + v2.get("/jobs/" + secondJob).map(Object::toString).orElse("?"));
        assertTrue("ticks went to the partitions added to the topic",
            sent.stream().anyMatch(s -> s.partition() >= 3));
        // Flink's REST API serves metrics it fetches every few seconds: wait for them to show.
        v2.await("3 or more Kafka readers in the resumed job (it had 2)",
            j -> sourceSubtasksThatRead(j, secondJob) >= 3, Duration.ofSeconds(60));
        v2.cancel();
      }
    }
  }

  private static List<String> withOption(List<String> args, String option) {
    String name = option.substring(0, option.indexOf('=') + 1);
    List<String> out = new ArrayList<>(args.stream().filter(a -> !a.startsWith(name)).toList());
    out.add(option);
    return out;
  }

  private static void assertRefused(Path log, List<String> args, String expected) throws InterruptedException {
    try (LauncherProcess refused = LauncherProcess.startJar(log, args)) {
      assertEquals(refused.tail(), Integer.valueOf(2), refused.waitFor(Duration.ofSeconds(120)).orElse(-1));
      List<String> errors = refused.output().lines().filter(l -> l.startsWith("error: ")).toList();
      assertEquals(refused.tail(), 1, errors.size());
      assertThat(errors.get(0), containsString(expected));
      assertThat("nothing submitted", refused.output(), org.hamcrest.Matchers.not(containsString("Flink job ")));
    }
  }

  /**
   * How many subtasks of the job's source vertex (the Kafka read) emitted records: the most of
   * any vertex named after the read, whichever of them the API lists first.
   */
  private static int sourceSubtasksThatRead(FlinkRest job, String jobId) {
    JsonNode vertices = job.get("/jobs/" + jobId).orElseThrow().path("vertices");
    int most = 0;
    for (JsonNode v : vertices) {
      if (!v.path("name").asText().contains("ReadFromKafka")) {
        continue;
      }
      int reading = 0;
      for (JsonNode s : job.get("/jobs/" + jobId + "/vertices/" + v.path("id").asText()).orElseThrow()
          .path("subtasks")) {
        if (s.path("metrics").path("write-records").asLong() > 0) {
          reading++;
        }
      }
      most = Math.max(most, reading);
    }
    return most;
  }

}
