package io.candles.ingest.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST control and observability API, on the JDK's own HTTP server:
 * {@code POST /start}, {@code POST /stop}, {@code GET /status}, {@code GET /health},
 * {@code GET /metrics}. Start and stop take no body (or {@code {}}) and, when a token is set,
 * need {@code Authorization: Bearer <token>}. Every error is a 4xx/5xx with a JSON body
 * {@code {"error":"..."}} saying what is wrong.
 */
public final class ControlServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlServer.class);
  private static final int MAX_BODY = 1024;
  private static final String JSON = "application/json; charset=utf-8";

  /** What the server controls. */
  public interface Controls {
    /** Starts the flow; true if it was stopped. */
    boolean start() throws Exception;

    /** Stops the flow (after flushing what was received); true if it was running. */
    boolean stop() throws Exception;

    /** {@code running}, {@code stopped} or {@code closed}. */
    String state();

    String statusJson();

    Health health();

    String metricsText();
  }

  /** Health: {@code up} gives 200, otherwise 503; {@code json} is the body. */
  public record Health(boolean up, String json) {}

  private static final Map<String, String> ROUTES = Map.of(
      "/start", "POST",
      "/stop", "POST",
      "/status", "GET",
      "/health", "GET",
      "/metrics", "GET");
  private static final String ROUTE_LIST = "POST /start, POST /stop, GET /status, GET /health, GET /metrics";

  private final HttpServer server;
  private final ExecutorService executor;
  private final byte[] token;
  private volatile Controls controls;

  private ControlServer(HttpServer server, ExecutorService executor, String token) {
    this.server = server;
    this.executor = executor;
    this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Listens on {@code host:port} (0 for any free port) and serves {@code controls}.
   *
   * @param token the bearer token for start/stop, or null for none
   * @throws IOException if it cannot listen there
   */
  public static ControlServer start(String host, int port, String token, Controls controls) throws IOException {
    return bind(host, port, token).serve(controls);
  }

  /**
   * Takes the address without serving yet, so that a busy port is found before anything else
   * starts; {@link #serve} then starts answering.
   */
  public static ControlServer bind(String host, int port, String token) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
    ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "ingest-http");
      t.setDaemon(true);
      return t;
    });
    return new ControlServer(server, executor, token);
  }

  /** Starts answering requests with {@code controls}. */
  public ControlServer serve(Controls controls) {
    this.controls = controls;
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
    return this;
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange ex) {
    try {
      String path = ex.getRequestURI().getPath();
      String method = ex.getRequestMethod();
      String allowed = ROUTES.get(path);
      if (allowed == null) {
        error(ex, 404, "no such path " + path + "; the paths are " + ROUTE_LIST);
        return;
      }
      if (!allowed.equals(method)) {
        ex.getResponseHeaders().set("Allow", allowed);
        error(ex, 405, "method " + method + " is not allowed on " + path + "; use " + allowed);
        return;
      }
      if ("POST".equals(method)) {
        post(ex, path);
        return;
      }
      switch (path) {
        case "/status":
          send(ex, 200, JSON, controls.statusJson());
          return;
        case "/health":
          Health h = controls.health();
          send(ex, h.up() ? 200 : 503, JSON, h.json());
          return;
        default:
          send(ex, 200, io.candles.ingest.metrics.PrometheusMetrics.CONTENT_TYPE, controls.metricsText());
      }
    } catch (Exception e) {
      log.error("REST {} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
      try {
        error(ex, 500, "internal error: " + e);
      } catch (IOException | RuntimeException ignored) {
        // The client is gone, or the response was already under way.
      }
    } finally {
      ex.close();
    }
  }

  private void post(HttpExchange ex, String path) throws Exception {
    if (token != null) {
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      if (auth == null || !auth.startsWith("Bearer ")) {
        ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"ingest\"");
        error(ex, 401, "POST " + path + " needs the header Authorization: Bearer <token> (see --token)");
        return;
      }
      byte[] given = auth.substring(7).trim().getBytes(StandardCharsets.UTF_8);
      // Constant-time, so the token cannot be guessed from response times.
      if (!MessageDigest.isEqual(given, token)) {
        ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"ingest\", error=\"invalid_token\"");
        error(ex, 401, "the bearer token is wrong");
        return;
      }
    }
    String body = readBody(ex);
    if (body == null) {
      error(ex, 413, "POST " + path + " takes no body; got more than " + MAX_BODY + " bytes");
      return;
    }
    String trimmed = body.trim();
    if (!trimmed.isEmpty() && !trimmed.replace(" ", "").equals("{}")) {
      String shown = trimmed.length() > 60 ? trimmed.substring(0, 60) + "..." : trimmed;
      error(ex, 400, "POST " + path + " takes no body (or {}); got: " + shown);
      return;
    }
    boolean changed = "/start".equals(path) ? controls.start() : controls.stop();
    ObjectNode reply = JsonBody.object().put("state", controls.state()).put("changed", changed);
    send(ex, 200, JSON, JsonBody.write(reply));
  }

  /** The body as text, or null if longer than {@link #MAX_BODY}. */
  private static String readBody(HttpExchange ex) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      byte[] b = in.readNBytes(MAX_BODY + 1);
      if (b.length > MAX_BODY) {
        return null;
      }
      return new String(b, StandardCharsets.UTF_8);
    }
  }

  private static void error(HttpExchange ex, int status, String message) throws IOException {
    send(ex, status, JSON, JsonBody.write(JsonBody.object().put("error", message).put("status", status)));
  }

  private static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}
