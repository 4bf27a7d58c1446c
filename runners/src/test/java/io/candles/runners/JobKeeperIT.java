package io.candles.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;

import io.candles.flinkcluster.FlinkCluster;
import io.candles.testkit.LiveTicks;
import io.candles.testkit.Services;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.Test;

/**
 * The job keeper (docker-compose.yml's submit service) on a real Flink session cluster: it submits
 * the job when none runs and does nothing while one does; when the whole cluster goes down
 * mid-stream and comes back on the same data (a host reboot: docker-compose down, then up), it
 * resumes the job from the newest retained checkpoint by itself. Live ticks keep arriving
 * throughout, and the candle table must end holding exactly the candles of the records in Kafka,
 * final where the window has ended, none final early. The job runs at its defaults.
 */
public class JobKeeperIT {

  private static final Pattern RUNS = Pattern.compile("job 'candles-keeper' \\(([0-9a-f]{32})\\) runs");
  private static final Pattern RESUMING = Pattern.compile("submitting it from (\\S+/chk-\\d+) ");

  @Test
  public void submitsWhenNoJobRunsIdlesWhileOneDoesAndResumesAfterAClusterRestart() throws Exception {
    FailureRun run = FailureRun.create("keeper", 4, 20211019);
    Path dir = Services.dataDir("flink");
    Path state = dir.resolve("keeper.state");
    FlinkCluster first = FlinkCluster.builder(dir).taskManagers(1).slotsPerTaskManager(2).start();
    Map<String, String> env = Map.ofEntries(
        Map.entry("FLINK_MASTER", first.restAddress()), Map.entry("JOB_NAME", "candles-keeper"),
        Map.entry("CHECKPOINTS_DIR", dir.resolve("checkpoints").toString()),
        Map.entry("SAVEPOINTS_DIR", dir.resolve("savepoints").toString()),
        Map.entry("KEEPER_INTERVAL", "2s"), Map.entry("KEEPER_STATE_FILE", state.toString()),
        Map.entry("BOOTSTRAP_SERVERS", run.bootstrap), Map.entry("TOPIC", run.topic),
        Map.entry("DLQ_TOPIC", run.topic + "-dlq"), Map.entry("JDBC_URL", run.db.url()),
        Map.entry("JDBC_USER", run.db.user()), Map.entry("JDBC_PASSWORD", run.db.password()),
        Map.entry("TABLE", run.table), Map.entry("PARALLELISM", "2"));
    try (LauncherProcess keeper = LauncherProcess.startKeeper(dir.resolve("keeper.log"), env);
        LiveTicks ticks = run.live(40, Duration.ofSeconds(240))) {
      String firstJob;
      try {
        firstJob = keeper.awaitOutput(RUNS, Duration.ofSeconds(180));
        assertThat("a fresh cluster: the job starts from the start", keeper.output(),
            containsString("submitting it from the start (no retained checkpoint or savepoint)"));
        FlinkRest v1 = new FlinkRest(first, firstJob);
        run.awaitCheckpointMidStream(v1, ticks, 2);
        // Several rounds with the job running: nothing submitted, one job on the cluster.
        Thread.sleep(8_000);
        assertEquals(1, FlinkJobs.parseOverview(first.get("/jobs/overview").orElseThrow()).size());
        assertEquals("RUNNING " + firstJob, Files.readString(state, StandardCharsets.UTF_8).trim());
        assertThat(keeper.output(), containsString("job 'candles-keeper' (" + firstJob + ") is RUNNING: nothing to do"));
        FailureRun.assertMidStream(ticks, "when the cluster goes down");
      } finally {
        // The whole cluster down mid-stream, as a host reboot takes it: TaskManagers, then the JobManager.
        first.stop();
      }
      keeper.awaitOutput(Pattern.compile("(Flink does not answer)"), Duration.ofSeconds(30));

      try (FlinkCluster second = FlinkCluster.builder(dir).taskManagers(1).slotsPerTaskManager(2).start()) {
        assertEquals("the cluster comes back at the same address", first.restAddress(), second.restAddress());
        String resumedFrom = keeper.awaitOutput(RESUMING, Duration.ofSeconds(120));
        assertThat("the newest retained checkpoint of the first job", resumedFrom, containsString("/" + firstJob + "/"));
        Pattern secondRuns = Pattern.compile("job 'candles-keeper' \\(((?!" + firstJob + ")[0-9a-f]{32})\\) runs");
        String secondJob = keeper.awaitOutput(secondRuns, Duration.ofSeconds(180));
        assertNotEquals(firstJob, secondJob);
        FlinkRest v2 = new FlinkRest(second, secondJob);
        String restored = v2.get("/jobs/" + secondJob + "/checkpoints")
            .map(c -> c.path("latest").path("restored").path("external_path").asText()).orElse("");
        assertEquals(resumedFrom, restored.replaceFirst("^file:(//)?", "").replaceFirst("/$", ""));

        run.assertConverged(ticks, 3500, Duration.ofSeconds(120), keeper::tail);
        keeper.kill();
        v2.cancel();
      }
    }
  }
}
