package io.candles.flinkcluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The JobManager's REST API, as far as starting and watching a cluster needs it. */
final class FlinkRest {

  private static final Pattern TASKMANAGERS = Pattern.compile("\"taskmanagers\"\\s*:\\s*(\\d+)");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String baseUrl;

  FlinkRest(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** GET of a REST path (e.g. /overview); empty if the JobManager does not answer it with 200. */
  Optional<String> get(String path) {
    return request(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET());
  }

  /** POST of a JSON body to a REST path (e.g. /jobs/ID/stop); empty if the answer is not 2xx. */
  Optional<String> post(String path, String json) {
    return request(HttpRequest.newBuilder(URI.create(baseUrl + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  /** The number of TaskManagers the JobManager counts as registered, -1 if it does not answer. */
  int registeredTaskManagers() {
    return get("/overview").map(FlinkRest::taskManagerCount).orElse(-1);
  }

  /** Whether a TaskManager of this resource id has registered. */
  boolean hasTaskManager(String resourceId) {
    return get("/taskmanagers").orElse("").contains("\"id\":\"" + resourceId + "\"");
  }

  static int taskManagerCount(String overview) {
    Matcher m = TASKMANAGERS.matcher(overview);
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  private static Optional<String> request(HttpRequest.Builder request) {
    try {
      HttpResponse<String> r = HTTP.send(request.timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() / 100 == 2 ? Optional.of(r.body()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
