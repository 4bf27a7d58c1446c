package io.candles.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A real WebSocket client (the JDK's): every text message in a queue, pings counted (the JDK
 * answers them with pongs by itself), the close code and reason kept. {@link #pause()} stops
 * taking messages, as a slow client does: the JDK then stops reading its socket.
 */
final class WsClient implements WebSocket.Listener, AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
  final AtomicInteger pings = new AtomicInteger();
  final CompletableFuture<String> closed = new CompletableFuture<>();
  private final StringBuilder partial = new StringBuilder();
  private volatile boolean paused;
  private volatile WebSocket socket;

  static WsClient connect(String url) throws Exception {
    WsClient c = new WsClient();
    c.socket = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
        .buildAsync(URI.create(url), c).get(10, TimeUnit.SECONDS);
    return c;
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    webSocket.request(1);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      messages.add(partial.toString());
      partial.setLength(0);
    }
    if (!paused) {
      webSocket.request(1);
    }
    return null;
  }

  @Override
  public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
    pings.incrementAndGet();
    if (!paused) {
      webSocket.request(1);
    }
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closed.complete(statusCode + " " + reason);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closed.complete("error " + error);
  }

  void send(String text) throws Exception {
    socket.sendText(text, true).get(10, TimeUnit.SECONDS);
  }

  /** Stops taking messages. */
  void pause() {
    paused = true;
  }

  /** Takes messages again. */
  void resume() {
    paused = false;
    socket.request(1);
  }

  /** The next message, parsed, within the timeout; AssertionError if none came. */
  JsonNode next(long timeoutMillis) throws Exception {
    String m = messages.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    if (m == null) {
      throw new AssertionError("no message within " + timeoutMillis + " ms");
    }
    return JSON.readTree(m);
  }

  /** Messages until one matches, within the timeout; the ones before it are returned too. */
  List<JsonNode> until(Predicate<JsonNode> match, long timeoutMillis) throws Exception {
    List<JsonNode> seen = new ArrayList<>();
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (true) {
      long left = deadline - System.currentTimeMillis();
      String m = left > 0 ? messages.poll(left, TimeUnit.MILLISECONDS) : null;
      if (m == null) {
        throw new AssertionError("no matching message within " + timeoutMillis + " ms; got " + seen);
      }
      JsonNode n = JSON.readTree(m);
      seen.add(n);
      if (match.test(n)) {
        return seen;
      }
    }
  }

  @Override
  public void close() {
    WebSocket s = socket;
    if (s != null) {
      s.abort();
    }
  }
}
