package io.candles.serve;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain HTTP requests, as curl would send them. */
final class Http {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  record Reply(int status, String body, String contentType) {
    JsonNode json() throws Exception {
      return WsClient.JSON.readTree(body);
    }
  }

  private Http() {}

  static Reply get(String url, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET();
    if (headers.length > 0) {
      b.headers(headers);
    }
    return send(b.build());
  }

  static Reply post(String url) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
        .POST(HttpRequest.BodyPublishers.noBody()).build());
  }

  private static Reply send(HttpRequest r) throws Exception {
    HttpResponse<String> resp = CLIENT.send(r, HttpResponse.BodyHandlers.ofString());
    return new Reply(resp.statusCode(), resp.body(), resp.headers().firstValue("Content-Type").orElse(""));
  }
}
