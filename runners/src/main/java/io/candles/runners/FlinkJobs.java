package io.candles.runners;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** What the job keeper reads from a Flink cluster's REST API: the jobs, their states and failures. */
final class FlinkJobs {

  /** States after which a job never runs again (Flink's globally terminal states, and a suspended job). */
  static final Set<String> TERMINAL = Set.of("FINISHED", "CANCELED", "FAILED", "SUSPENDED");

  /** One job of {@code /jobs/overview}. */
  record Job(String id, String name, String state, int tasksRunning, int tasksTotal) {
    boolean active() {
      return !TERMINAL.contains(state);
    }

    /** The job and every one of its tasks run. */
    boolean fullyRunning() {
      return state.equals("RUNNING") && tasksTotal > 0 && tasksRunning == tasksTotal;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String baseUrl;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** @param master host:port of the REST API (--flinkMaster), or its http(s) URL */
  FlinkJobs(String master) {
    this.baseUrl = (master.startsWith("http://") || master.startsWith("https://") ? master : "http://" + master)
        .replaceFirst("/+$", "");
  }

  String baseUrl() {
    return baseUrl;
  }

  /** Every job the cluster knows; empty if it does not answer. */
  Optional<List<Job>> jobs() {
    return get("/jobs/overview").map(FlinkJobs::parseOverview);
  }

  /** One job; empty if the cluster does not answer or does not know it. */
  Optional<Job> job(String id) {
    return jobs().flatMap(all -> all.stream().filter(j -> j.id().equals(id)).findFirst());
  }

  /** The first line of the job's root exception, if it has one. */
  Optional<String> rootException(String id) {
    return get("/jobs/" + id + "/exceptions?maxExceptions=1").map(FlinkJobs::parse)
        .map(j -> j.path("root-exception").asText(""))
        .filter(s -> !s.isEmpty())
        .map(s -> s.lines().findFirst().orElse(s));
  }

  static List<Job> parseOverview(String json) {
    List<Job> jobs = new ArrayList<>();
    for (JsonNode j : parse(json).path("jobs")) {
      JsonNode tasks = j.path("tasks");
      jobs.add(new Job(j.path("jid").asText(), j.path("name").asText(), j.path("state").asText(),
          tasks.path("running").asInt(), tasks.path("total").asInt()));
    }
    return jobs;
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException("the Flink REST API answered with something that is not JSON: "
          + json.lines().findFirst().orElse(""), e);
    }
  }

  private Optional<String> get(String path) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? Optional.of(r.body()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
