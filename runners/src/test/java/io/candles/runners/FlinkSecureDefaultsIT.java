package io.candles.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.candles.flinkcluster.FlinkCluster;
import io.candles.testkit.CandleTable;
import io.candles.testkit.Services;
import io.candles.testkit.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.Test;

/**
 * The job's database password on a real Flink session cluster: given to the launcher as a secret
 * file (JDBC_PASSWORD_FILE, as docker-compose.yml does), it must appear nowhere the REST API and so
 * the web UI show (job, vertices, configuration, plan, checkpoints, exceptions, the JobManager's and
 * TaskManagers' configuration, environment and log files) and in no log file of the cluster or the
 * launcher. The cluster also refuses jar uploads (web.submit.enable: false).
 */
public class FlinkSecureDefaultsIT {

  private static final long MINUTE = 60_000L;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  public void theDatabasePasswordNeverShowsAndJarUploadIsOff() throws Exception {
    String password = "pw-" + UUID.randomUUID().toString().replace("-", "");
    DatabaseRoles.Roles db = DatabaseRoles.create(Services.database(), "candles_secrets", password, "reader-pw");
    String table = "candle_stick_five_min";
    DatabaseRoles.migrate(db.superuser());
    String bootstrap = Services.kafka().bootstrapServers();
    String topic = "ticks-secrets";
    Topics.create(bootstrap, topic, 2);
    Topics.create(bootstrap, topic + "-dlq", 1);

    Path dir = Services.dataDir("flink");
    Path secret = dir.resolve("jdbc_password");
    Files.writeString(secret, password + "\n", StandardCharsets.UTF_8);
    try (FlinkCluster cluster = FlinkCluster.builder(dir).taskManagers(1).slotsPerTaskManager(2).start()) {
      String jobId;
      try (LauncherProcess submit = LauncherProcess.startJar(dir.resolve("submit.log"), List.of(
          "--runner=FlinkRunner", "--flinkMaster=" + cluster.restAddress(), "--bootstrapServers=" + bootstrap,
          "--topic=" + topic, "--dlqTopic=" + topic + "-dlq", "--jdbcUrl=" + db.job().url(),
          "--jdbcUser=" + db.job().user(), "--jobName=candles-secrets"),
          Map.of("JDBC_PASSWORD_FILE", secret.toString()))) {
        jobId = submit.awaitOutput(FailureRun.JOB_ID, Duration.ofSeconds(120));
        assertThat(submit.output(), containsString("Options from the environment: JDBC_PASSWORD_FILE"));
        // The launcher's Flink defaults reach a submitted job too: early candles once per bundle.
        assertThat(submit.output(), containsString("--earlyFiringDelay=0ms"));
        assertThat(submit.output(), containsString("--maxBundleTimeMills=" + FlinkDefaults.MAX_BUNDLE_TIME_MILLIS));
      }
      FlinkRest job = new FlinkRest(cluster, jobId);
      job.await("all tasks running", FlinkRest::allTasksRunning, Duration.ofSeconds(90));
      // Candles written with the password from the file: the job logged in with it.
      long base = (System.currentTimeMillis() / MINUTE) * MINUTE - 3 * MINUTE;
      Topics.produce(bootstrap, topic, FailureRun.pairs(2, 20211018).backlog(base, base + MINUTE, 75, 4, 1500, 80));
      job.await("candles in the table", j -> CandleTable.tickCountSum(db.reader(), table) > 0,
          Duration.ofSeconds(90));
      job.await("a completed checkpoint", j -> j.completedCheckpoints() >= 1, Duration.ofSeconds(60));

      // Everything the web UI reads for this job and cluster.
      Map<String, String> pages = new LinkedHashMap<>();
      for (String path : List.of("/config", "/overview", "/jobs/overview", "/jobmanager/config",
          "/jobmanager/environment", "/jobmanager/logs", "/jobmanager/log", "/jobmanager/stdout", "/taskmanagers",
          "/jobs/" + jobId, "/jobs/" + jobId + "/config", "/jobs/" + jobId + "/plan",
          "/jobs/" + jobId + "/exceptions", "/jobs/" + jobId + "/checkpoints",
          "/jobs/" + jobId + "/checkpoints/config", "/jobs/" + jobId + "/accumulators")) {
        pages.put(path, get(cluster, path));
      }
      for (JsonNode log : FlinkRest.parse(pages.get("/jobmanager/logs")).path("logs")) {
        String path = "/jobmanager/logs/" + log.path("name").asText();
        pages.put(path, get(cluster, path));
      }
      for (JsonNode v : FlinkRest.parse(pages.get("/jobs/" + jobId)).path("vertices")) {
        String vertex = "/jobs/" + jobId + "/vertices/" + v.path("id").asText();
        for (String sub : List.of("", "/accumulators", "/subtasks/accumulators", "/taskmanagers", "/watermarks")) {
          pages.put(vertex + sub, get(cluster, vertex + sub));
        }
      }
      for (JsonNode tm : FlinkRest.parse(pages.get("/taskmanagers")).path("taskmanagers")) {
        String base2 = "/taskmanagers/" + tm.path("id").asText();
        for (String sub : List.of("", "/logs", "/log", "/stdout", "/thread-dump")) {
          pages.put(base2 + sub, get(cluster, base2 + sub));
        }
        for (JsonNode log : FlinkRest.parse(pages.get(base2 + "/logs")).path("logs")) {
          pages.put(base2 + "/logs/" + log.path("name").asText(),
              get(cluster, base2 + "/logs/" + log.path("name").asText()));
        }
      }
      List<String> leaks = new ArrayList<>();
      for (Map.Entry<String, String> page : pages.entrySet()) {
        if (page.getValue().contains(password)) {
          leaks.add("REST " + page.getKey());
        }
      }
      // The job's configuration has the option, masked: proof that the check above looked at it.
      String config = pages.get("/jobs/" + jobId + "/config");
      assertThat(config, containsString("jdbcPassword"));
      assertThat(FlinkRest.parse(config).path("execution-config").path("user-config").path("jdbcPassword").asText(),
          not(containsString(password)));
      assertThat("the logs served are real", pages.get("/jobmanager/log").length(), greaterThan(1000));

      // Every log file of the cluster and the launcher.
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).filter(p -> !p.equals(secret))
            .filter(p -> p.toString().endsWith(".log") || p.toString().endsWith(".out"))::iterator) {
          if (Files.readString(f, StandardCharsets.ISO_8859_1).contains(password)) {
            leaks.add("file " + dir.relativize(f));
          }
        }
      }
      assertThat("the password shows in", leaks, empty());

      // No jar upload: the handlers are not there, and the web UI knows it.
      HttpResponse<String> upload = HTTP.send(HttpRequest.newBuilder(URI.create(cluster.restUrl() + "/jars/upload"))
          .header("Content-Type", "multipart/form-data; boundary=x")
          .POST(HttpRequest.BodyPublishers.ofString("--x--\r\n")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(upload.body(), 404, upload.statusCode());
      assertEquals("false", FlinkRest.parse(pages.get("/config")).path("features").path("web-submit").asText());
      job.cancel();
    }
  }

  private static String get(FlinkCluster cluster, String path) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(cluster.restUrl() + path))
        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    return r.body();
  }
}
