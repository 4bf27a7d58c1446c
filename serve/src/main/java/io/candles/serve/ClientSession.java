package io.candles.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket client: its streams, its conflating {@link Outbox}, Binance's control messages
 * ({@code SUBSCRIBE}, {@code UNSUBSCRIBE}, {@code LIST_SUBSCRIPTIONS}, {@code SET_PROPERTY} and
 * {@code GET_PROPERTY} of {@code combined}) and Binance's limits: at most 5 incoming messages per
 * second and 1024 streams; a client that answers no ping within the pong timeout, or takes no data
 * for the slow-client timeout while events wait for it, is closed with code 1008 and the reason.
 * Public only because Jetty calls its listener methods through method handles.
 */
public final class ClientSession implements Session.Listener.AutoDemanding {
  private static final Logger log = LoggerFactory.getLogger(ClientSession.class);
  static final int MAX_STREAMS = 1024;
  static final int MAX_MESSAGES_PER_SECOND = 5;
  /** Binance's close code for a policy violation, with the reason as text. */
  static final int POLICY = StatusCode.POLICY_VIOLATION;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final StreamHub hub;
  private final ServerStats stats;
  private final Set<String> streams = ConcurrentHashMap.newKeySet();
  private final List<String> initialStreams;
  private volatile boolean combined;
  private volatile Session session;
  private volatile Outbox outbox;
  private volatile long lastPongNanos = System.nanoTime();
  private volatile boolean closing;
  private long windowStartNanos;
  private int messagesInWindow;

  ClientSession(StreamHub hub, ServerStats stats, List<String> initialStreams, boolean combined) {
    this.hub = hub;
    this.stats = stats;
    this.initialStreams = initialStreams;
    this.combined = combined;
  }

  boolean combined() {
    return combined;
  }

  @Override
  public void onWebSocketOpen(Session s) {
    this.session = s;
    this.outbox = new Outbox((text, written, failed) -> s.sendText(text, Callback.from(written, failed)),
        System::nanoTime, stats);
    hub.add(this);
    for (String name : initialStreams) {
      subscribe(name);
    }
  }

  /** Queues an event of a stream's candle (the dispatcher, for every subscriber). */
  void offer(String stream, long openTime, String text) {
    Outbox o = outbox;
    if (o != null && !closing) {
      o.offer(new Outbox.Key(stream, openTime), text);
    }
  }

  @Override
  public void onWebSocketText(String message) {
    long now = System.nanoTime();
    synchronized (this) {
      if (now - windowStartNanos > 1_000_000_000L) {
        windowStartNanos = now;
        messagesInWindow = 0;
      }
      if (++messagesInWindow > MAX_MESSAGES_PER_SECOND) {
        stats.clientsClosedOverLimit.increment();
        close(POLICY, "Too many messages: at most " + MAX_MESSAGES_PER_SECOND + " per second");
        return;
      }
    }
    JsonNode request;
    try {
      request = JSON.readTree(message);
    } catch (Exception e) {
      reply(error(3, "Invalid JSON: " + DatabaseSetup.oneLine(e), null));
      return;
    }
    JsonNode id = request.get("id");
    if (id != null && !(id.isNull() || id.isIntegralNumber() || (id.isTextual() && id.asText().matches("[A-Za-z0-9]{1,36}")))) {
      reply(error(2, "Invalid request: request ID must be an integer, an alphanumeric string of up to 36 characters, or null", null));
      return;
    }
    String method = request.path("method").asText("");
    JsonNode params = request.get("params");
    switch (method) {
      case "SUBSCRIBE", "UNSUBSCRIBE" -> {
        if (params == null || !params.isArray()) {
          reply(error(2, "Invalid request: params must be a list of stream names, e.g. [\"btcusdt@kline_5m\"]", id));
          return;
        }
        List<String> names = new ArrayList<>();
        for (JsonNode p : params) {
          try {
            names.add(StreamName.parse(p.asText()).name());
          } catch (IllegalArgumentException e) {
            reply(error(2, "Invalid request: " + e.getMessage(), id));
            return;
          }
        }
        if (method.equals("SUBSCRIBE")) {
          long added = names.stream().filter(n -> !streams.contains(n)).distinct().count();
          if (streams.size() + added > MAX_STREAMS) {
            reply(error(2, "Invalid request: at most " + MAX_STREAMS + " streams per connection", id));
            return;
          }
          names.forEach(this::subscribe);
        } else {
          for (String n : names) {
            streams.remove(n);
            hub.unsubscribe(this, n);
          }
        }
        reply(result(null, id));
      }
      case "LIST_SUBSCRIPTIONS" -> reply(result(JSON.valueToTree(List.copyOf(streams)), id));
      case "SET_PROPERTY" -> {
        if (params == null || params.size() != 2 || !params.get(0).asText().equals("combined")) {
          reply(error(0, "Unknown property", id));
        } else if (!params.get(1).isBoolean()) {
          reply(error(1, "Invalid value type: expected Boolean", id));
        } else {
          combined = params.get(1).asBoolean();
          reply(result(null, id));
        }
      }
      case "GET_PROPERTY" -> {
        if (params == null || params.size() != 1 || !params.get(0).asText().equals("combined")) {
          reply(error(0, "Unknown property", id));
        } else {
          reply(result(JSON.getNodeFactory().booleanNode(combined), id));
        }
      }
      default -> reply(error(2, "Invalid request: unknown method '" + method
          + "', expected one of SUBSCRIBE, UNSUBSCRIBE, LIST_SUBSCRIPTIONS, SET_PROPERTY, GET_PROPERTY", id));
    }
  }

  private void subscribe(String name) {
    if (streams.add(name)) {
      hub.subscribe(this, name);
    }
  }

  @Override
  public void onWebSocketPong(ByteBuffer payload) {
    lastPongNanos = System.nanoTime();
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    hub.remove(this, streams);
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    log.debug("websocket error: {}", cause.toString());
    hub.remove(this, streams);
  }

  /** The ping, and the checks of the pong and of a stalled write; called by the hub's timers. */
  void ping() {
    Session s = session;
    if (s != null && s.isOpen() && !closing) {
      s.sendPing(ByteBuffer.allocate(0), Callback.NOOP);
    }
  }

  void checkLiveness(long nowNanos, long pongTimeoutNanos, long slowTimeoutNanos) {
    if (closing || session == null) {
      return;
    }
    if (nowNanos - lastPongNanos > pongTimeoutNanos) {
      close(POLICY, "No pong received within " + pongTimeoutNanos / 1_000_000_000L + " s");
      return;
    }
    Outbox o = outbox;
    long since = o == null ? -1 : o.stalledSince();
    if (since >= 0 && nowNanos - since > slowTimeoutNanos) {
      stats.clientsClosedSlow.increment();
      close(POLICY, "Too slow: took no data for " + slowTimeoutNanos / 1_000_000_000L + " s while "
          + o.waiting() + " events waited");
    }
  }

  /** Closes with a reason; a peer that takes no close frame either is cut off shortly after. */
  void close(int code, String reason) {
    Session s = session;
    if (s == null || closing) {
      return;
    }
    closing = true;
    log.info("closing websocket {}: {} {}", s.getRemoteSocketAddress(), code, reason);
    s.close(code, reason, Callback.NOOP);
    hub.remove(this, streams);
    hub.later(() -> {
      if (s.isOpen()) {
        s.disconnect();
      }
    }, 5_000);
  }

  /** A message to this client outside the outbox (replies to control messages, the shutdown notice). */
  void reply(String text) {
    Session s = session;
    if (s != null && s.isOpen()) {
      s.sendText(text, Callback.NOOP);
    }
  }

  private static String result(JsonNode result, JsonNode id) {
    com.fasterxml.jackson.databind.node.ObjectNode o = JSON.createObjectNode();
    o.set("result", result);
    o.set("id", id);
    return o.toString();
  }

  private static String error(int code, String msg, JsonNode id) {
    com.fasterxml.jackson.databind.node.ObjectNode o = JSON.createObjectNode();
    o.putObject("error").put("code", code).put("msg", msg);
    o.set("id", id);
    return o.toString();
  }
}
