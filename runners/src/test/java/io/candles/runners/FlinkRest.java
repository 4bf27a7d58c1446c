package io.candles.runners;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.candles.flinkcluster.FlinkCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** What the tests read from and ask of a job through the JobManager's REST API. */
final class FlinkRest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FlinkCluster cluster;
  private final String jobId;

  FlinkRest(FlinkCluster cluster, String jobId) {
    this.cluster = cluster;
    this.jobId = jobId;
  }

  String jobId() {
    return jobId;
  }

  Optional<JsonNode> get(String path) {
    return cluster.get(path).map(FlinkRest::parse);
  }

  static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + json, e);
    }
  }

  /** RUNNING, RESTARTING, CANCELED, FINISHED...; empty if the JobManager does not answer. */
  Optional<String> state() {
    return get("/jobs/" + jobId).map(j -> j.path("state").asText());
  }

  /** Whether the job and every one of its tasks run. */
  boolean allTasksRunning() {
    return get("/jobs/" + jobId).map(j -> {
      if (!"RUNNING".equals(j.path("state").asText())) {
        return false;
      }
      for (JsonNode v : j.path("vertices")) {
        if (!"RUNNING".equals(v.path("status").asText())) {
          return false;
        }
      }
      return true;
    }).orElse(false);
  }

  /** counts.completed and counts.restored of the job's checkpoints. */
  long completedCheckpoints() {
    return get("/jobs/" + jobId + "/checkpoints").map(c -> c.path("counts").path("completed").asLong()).orElse(0L);
  }

  long restoredCheckpoints() {
    return get("/jobs/" + jobId + "/checkpoints").map(c -> c.path("counts").path("restored").asLong()).orElse(0L);
  }

  /** The ids of the TaskManagers that run some task of the job (tm-1, tm-2...). */
  List<String> taskManagersOfJob() {
    List<String> ids = new ArrayList<>();
    JsonNode job = get("/jobs/" + jobId).orElseThrow();
    for (JsonNode v : job.path("vertices")) {
      get("/jobs/" + jobId + "/vertices/" + v.path("id").asText() + "/taskmanagers").ifPresent(t -> {
        for (JsonNode tm : t.path("taskmanagers")) {
          String id = tm.path("taskmanager-id").asText();
          if (!id.isEmpty() && !ids.contains(id)) {
            ids.add(id);
          }
        }
      });
    }
    return ids;
  }

  /** Stop with a savepoint (POST /jobs/ID/stop) and wait for its path. */
  String stopWithSavepoint(Duration timeout) throws InterruptedException {
    String trigger = cluster.post("/jobs/" + jobId + "/stop", "{\"drain\":false}").map(FlinkRest::parse)
        .map(j -> j.path("request-id").asText()).orElseThrow(() -> new AssertionError("stop-with-savepoint refused"));
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<JsonNode> status = get("/jobs/" + jobId + "/savepoints/" + trigger);
      if (status.isPresent() && "COMPLETED".equals(status.get().path("status").path("id").asText())) {
        JsonNode op = status.get().path("operation");
        if (op.has("location")) {
          return op.path("location").asText();
        }
        throw new AssertionError("stop-with-savepoint failed: " + op);
      }
      Thread.sleep(500);
    }
    throw new AssertionError("stop-with-savepoint did not complete within " + timeout);
  }

  void cancel() {
    try {
      java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
              java.net.URI.create(cluster.restUrl() + "/jobs/" + jobId + "?mode=cancel"))
              .method("PATCH", java.net.http.HttpRequest.BodyPublishers.noBody())
              .timeout(Duration.ofSeconds(10)).build(),
          java.net.http.HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      // The cluster is stopped next anyway.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Polls until the condition holds. */
  void await(String what, Predicate<FlinkRest> condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.test(this)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Flink job " + jobId + ": " + what + " not reached within " + timeout
            + "; job: " + get("/jobs/" + jobId).map(JsonNode::toString).orElse("(no answer)")
            + "\nexceptions: " + get("/jobs/" + jobId + "/exceptions?maxExceptions=3").map(JsonNode::toString)
                .orElse("(none)"));
      }
      Thread.sleep(500);
    }
  }
}
