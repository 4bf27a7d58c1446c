package io.candles.simulator;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.java_websocket.WebSocket;
import org.java_websocket.drafts.Draft;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.server.WebSocketServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local exchange that speaks Binance's {@code bookTicker} market-stream protocol over a real
 * WebSocket, for the demo and the tests; production never uses it unless asked.
 *
 * <ul>
 *   <li>URL forms: {@code /stream?streams=a@bookTicker/b@bookTicker} (combined: each message is
 *       wrapped as {@code {"stream":..,"data":{..}}}) and {@code /ws/<stream>} (raw); {@code /ws} and
 *       {@code /stream} alone start with no streams.
 *   <li>Requests: {@code SUBSCRIBE}, {@code UNSUBSCRIBE}, {@code LIST_SUBSCRIPTIONS}, answered
 *       {@code {"result":null,"id":1}}; anything else gets Binance's error shape.
 *   <li>Pings every {@code pingInterval}; a client that does not answer is dropped (as Binance does).
 *   <li>Data: a random-walk book per pair (exact decimal strings, never crossed), spot or futures
 *       format, at bursty rates that differ per pair ({@link BurstyArrivals}, {@link PairWeights})
 *       or at one steady rate; or a recorded file replayed line by line.
 *   <li>Faults: drop every connection, refuse new ones for a while (an outage of known length),
 *       send garbage, stall (send nothing, answer no pings).
 * </ul>
 */
public final class ExchangeSimulator extends WebSocketServer {
  private static final Logger log = LoggerFactory.getLogger(ExchangeSimulator.class);
  private static final String SUFFIX = "@bookTicker";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long GENERATE_PERIOD_MS = 5;

  /**
   * @param pairs the pairs to generate (upper case)
   * @param ticksPerMinute per pair for the random walk (bursty: the mean over time and pairs); for a
   *     replay, lines per minute in all
   * @param bursty each pair at its own rate, with random gaps and bursts; else every pair at exactly
   *     {@code ticksPerMinute}, evenly spaced (what tests that count ticks want)
   * @param futures emit the USD-M futures form (with {@code e}, {@code E}, {@code T})
   * @param pingInterval how often to ping clients (Binance spot: 20 s)
   * @param seed random seed: the same seed gives the same books and the same arrival times
   * @param recordSent keep every quote sent, for tests to compare with what arrived
   */
  public record Config(List<String> pairs, int ticksPerMinute, boolean bursty, boolean futures,
      Duration pingInterval, long seed, boolean recordSent) {
    public Config {
      pairs = List.copyOf(pairs);
    }

    /** Steady rates: every pair at exactly {@code ticksPerMinute}. */
    public static Config of(List<String> pairs, int ticksPerMinute) {
      return new Config(pairs, ticksPerMinute, false, false, Duration.ofSeconds(20), 1, false);
    }

    /** Realistic rates: per pair different, random gaps, bursts; {@code ticksPerMinute} on average. */
    public Config burstyRates() {
      return new Config(pairs, ticksPerMinute, true, futures, pingInterval, seed, recordSent);
    }

    public Config recording() {
      return new Config(pairs, ticksPerMinute, bursty, futures, pingInterval, seed, true);
    }

    public Config futuresFormat() {
      return new Config(pairs, ticksPerMinute, bursty, true, pingInterval, seed, recordSent);
    }

    public Config withPingInterval(Duration d) {
      return new Config(pairs, ticksPerMinute, bursty, futures, d, seed, recordSent);
    }
  }

  /** When the ticks of one pair (or of a replay) are due, on this machine's monotonic clock. */
  private static final class Pace {
    /** How far behind a pace may fall (a stalled thread, a slow machine) before the rest is skipped. */
    static final long MAX_LAG_NANOS = 1_000_000_000L;

    private final Arrivals arrivals;
    private long scheduled;
    long dueNanos;

    Pace(Arrivals arrivals, long nowNanos) {
      this.arrivals = arrivals;
      this.scheduled = arrivals.next();
      this.dueNanos = nowNanos;
    }

    /** The next tick is due now; the schedule goes on from where it was (bursts and all). */
    void restart(long nowNanos) {
      dueNanos = nowNanos;
    }

    void advance() {
      long next = arrivals.next();
      dueNanos += next - scheduled;
      scheduled = next;
    }

    /** Catch up at most a second's worth after a long pause of the generator thread. */
    void forgiveLag(long nowNanos) {
      if (nowNanos - dueNanos > MAX_LAG_NANOS) {
        dueNanos = nowNanos - MAX_LAG_NANOS;
      }
    }
  }

  /** A pair's book and its pace. */
  private record PairStream(RandomWalkBook book, Pace pace) {}

  /** What one client connection asked for. */
  private static final class Subscriber {
    final boolean combined;
    final Set<String> streams = ConcurrentHashMap.newKeySet();

    Subscriber(boolean combined, List<String> streams) {
      this.combined = combined;
      this.streams.addAll(streams);
    }
  }

  private final Config config;
  private final List<PairStream> streams = new ArrayList<>();
  private final Map<String, List<SimQuote>> sent = new ConcurrentHashMap<>();
  private final AtomicLong sentCount = new AtomicLong();
  private final AtomicLong connectionsOpened = new AtomicLong();
  private final ScheduledExecutorService generator;
  private final CountDownLatch started = new CountDownLatch(1);
  private volatile Exception startError;
  private volatile boolean paused;
  private volatile long stalledUntilNanos = Long.MIN_VALUE;
  private volatile long refusingUntilNanos = Long.MIN_VALUE;
  private volatile List<String> replayLines;
  private volatile boolean replayLoop;
  private int replayPos;
  private Pace replayPace;

  private ExchangeSimulator(InetSocketAddress address, Config config) {
    super(address);
    this.config = config;
    long now = System.nanoTime();
    Map<String, Double> weights = PairWeights.of(config.pairs());
    for (String p : config.pairs()) {
      Arrivals arrivals = config.bursty()
          ? new BurstyArrivals(config.ticksPerMinute() * weights.get(p), config.seed() * 31 + p.hashCode())
          : Arrivals.steady(config.ticksPerMinute());
      streams.add(new PairStream(new RandomWalkBook(p, config.seed()), new Pace(arrivals, now)));
      sent.put(p, Collections.synchronizedList(new ArrayList<>()));
    }
    replayPace = new Pace(Arrivals.steady(config.ticksPerMinute()), now);
    setReuseAddr(true);
    setTcpNoDelay(true);
    setDaemon(true);
    setConnectionLostTimeout((int) Math.max(1, config.pingInterval().toSeconds()));
    generator = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "simulator-generator");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Starts a simulator listening on {@code host:port} (0 for any free port).
   *
   * @throws IOException if it cannot listen there
   */
  public static ExchangeSimulator start(String host, int port, Config config) throws IOException {
    ExchangeSimulator sim = new ExchangeSimulator(new InetSocketAddress(host, port), config);
    sim.start();
    try {
      if (!sim.started.await(10, TimeUnit.SECONDS)) {
        throw new IOException("the simulator did not start within 10 s on " + host + ":" + port);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting the simulator");
    }
    if (sim.startError != null) {
      throw new IOException("cannot listen on " + host + ":" + port + ": " + sim.startError.getMessage(),
          sim.startError);
    }
    sim.resetPace();
    sim.generator.scheduleAtFixedRate(sim::generate, GENERATE_PERIOD_MS, GENERATE_PERIOD_MS, TimeUnit.MILLISECONDS);
    return sim;
  }

  /** The base URL to give the ingester as {@code --endpoint}. */
  public URI endpoint() {
    String host = getAddress().getHostString();
    return URI.create("ws://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + getPort());
  }

  /** Stops listening and closes every connection. */
  public void close() {
    generator.shutdownNow();
    try {
      stop(1_000, "simulator stopping");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- test and fault controls ----

  /** Stops generating (connections stay open). */
  public void pause() {
    paused = true;
  }

  /** Generates again, at the configured rate from now on. */
  public void resume() {
    synchronized (generator) {
      resetPace();
      paused = false;
    }
  }

  /** Drops every client connection at once, without a close handshake, like a network failure. */
  public void dropConnections() {
    for (WebSocket c : getConnections()) {
      c.closeConnection(CloseFrame.ABNORMAL_CLOSE, "simulated connection drop");
    }
    log.info("simulator: dropped every connection");
  }

  /**
   * An outage of known length: refuses every new connection's handshake for {@code d} from now,
   * then drops every connection, so that clients see their session lost and cannot reconnect
   * until {@code d} has passed.
   */
  public void outage(Duration d) {
    refusingUntilNanos = System.nanoTime() + d.toNanos();
    log.info("simulator: outage of {} ms", d.toMillis());
    dropConnections();
  }

  /** Sends {@code text} as a text frame to every client, e.g. garbage. */
  public void sendToAll(String text) {
    for (WebSocket c : getConnections()) {
      try {
        c.send(text);
      } catch (WebsocketNotConnectedException e) {
        // Gone.
      }
    }
  }

  /** Sends nothing and answers no pings for {@code d}: a half-open connection, as seen by clients. */
  public void stall(Duration d) {
    stalledUntilNanos = System.nanoTime() + d.toNanos();
    log.info("simulator: stalling for {} ms", d.toMillis());
  }

  /** Replays a recorded file, one frame per line (raw or combined form), instead of the random walk. */
  public void replay(Path file, boolean loop) throws IOException {
    List<String> lines = new ArrayList<>();
    for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (!l.isBlank()) {
        lines.add(l.trim());
      }
    }
    synchronized (generator) {
      replayPos = 0;
      replayLoop = loop;
      replayLines = lines;
      resetPace();
    }
  }

  /** Every quote sent to at least one client, per pair, in order (with {@link Config#recordSent}). */
  public List<SimQuote> sentQuotes(String pair) {
    List<SimQuote> l = sent.get(pair);
    if (l == null) {
      return List.of();
    }
    synchronized (l) {
      return new ArrayList<>(l);
    }
  }

  /** Quotes sent to at least one client, all pairs. */
  public long sentCount() {
    return sentCount.get();
  }

  /** Client connections currently open. */
  public int openConnections() {
    int n = 0;
    for (WebSocket c : getConnections()) {
      if (c.isOpen()) {
        n++;
      }
    }
    return n;
  }

  /** Client connections ever opened. */
  public long connectionsOpened() {
    return connectionsOpened.get();
  }

  // ---- WebSocket server ----

  @Override
  public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(
      WebSocket conn, Draft draft, ClientHandshake request) throws InvalidDataException {
    if (System.nanoTime() < refusingUntilNanos) {
      throw new InvalidDataException(CloseFrame.TRY_AGAIN_LATER, "simulated outage: try again later");
    }
    if (subscriberFor(request.getResourceDescriptor()) == null) {
      throw new InvalidDataException(CloseFrame.POLICY_VALIDATION,
          "unknown path " + request.getResourceDescriptor() + "; use /stream?streams=... or /ws/<stream>");
    }
    return super.onWebsocketHandshakeReceivedAsServer(conn, draft, request);
  }

  /** The subscriber for a resource descriptor, or null for an unknown path. */
  static Subscriber subscriberFor(String resource) {
    String path = resource;
    String query = "";
    int q = resource.indexOf('?');
    if (q >= 0) {
      path = resource.substring(0, q);
      query = resource.substring(q + 1);
    }
    if (path.equals("/stream") || path.equals("/stream/")) {
      String streams = "";
      for (String param : query.split("&")) {
        if (param.startsWith("streams=")) {
          streams = URLDecoder.decode(param.substring(8), StandardCharsets.UTF_8);
        }
      }
      return new Subscriber(true, split(streams));
    }
    if (path.equals("/ws") || path.equals("/ws/")) {
      return new Subscriber(false, List.of());
    }
    if (path.startsWith("/ws/")) {
      return new Subscriber(false, split(path.substring(4)));
    }
    return null;
  }

  private static List<String> split(String streams) {
    List<String> out = new ArrayList<>();
    for (String s : streams.split("/")) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }

  @Override
  public void onOpen(WebSocket conn, ClientHandshake handshake) {
    conn.setAttachment(subscriberFor(handshake.getResourceDescriptor()));
    connectionsOpened.incrementAndGet();
    log.debug("simulator: client connected to {}", handshake.getResourceDescriptor());
  }

  @Override
  public void onClose(WebSocket conn, int code, String reason, boolean remote) {
    log.debug("simulator: client gone ({} {})", code, reason);
  }

  @Override
  public void onMessage(WebSocket conn, String message) {
    Subscriber sub = conn.getAttachment();
    if (sub == null || stalled()) {
      return;
    }
    String id = "null";
    try {
      JsonNode req = JSON.readTree(message);
      if (req == null || !req.isObject()) {
        throw new JsonRequestException("the message is not a JSON object");
      }
      JsonNode rawId = req.get("id");
      if (rawId != null) {
        id = rawId.isTextual() ? "\"" + rawId.asText() + "\"" : rawId.toString();
      }
      String method = textOf(req.get("method"));
      JsonNode paramsNode = req.get("params");
      List<String> params = new ArrayList<>();
      if (paramsNode != null && paramsNode.isArray()) {
        paramsNode.forEach(p -> params.add(p.isTextual() ? p.asText() : p.toString()));
      }
      if ("SUBSCRIBE".equals(method)) {
        // Acknowledge first, so that the reply precedes the new streams' data.
        conn.send("{\"result\":null,\"id\":" + id + "}");
        sub.streams.addAll(params);
      } else if ("UNSUBSCRIBE".equals(method)) {
        params.forEach(sub.streams::remove);
        conn.send("{\"result\":null,\"id\":" + id + "}");
      } else if ("LIST_SUBSCRIPTIONS".equals(method)) {
        StringBuilder sb = new StringBuilder("{\"result\":[");
        int i = 0;
        for (String s : sub.streams) {
          sb.append(i++ == 0 ? "" : ",").append('"').append(s).append('"');
        }
        conn.send(sb.append("],\"id\":").append(id).append('}').toString());
      } else {
        conn.send("{\"code\":2,\"msg\":\"Invalid request: unknown method " + (method == null ? "(none)" : method)
            + "\",\"id\":" + id + "}");
      }
    } catch (JsonProcessingException e) {
      String detail = e.getOriginalMessage().replace("\"", "'").replace('\n', ' ').replace('\\', '/');
      conn.send("{\"code\":3,\"msg\":\"Invalid JSON: " + detail + "\",\"id\":null}");
    } catch (WebsocketNotConnectedException e) {
      // Gone.
    }
  }

  @Override
  public void onWebsocketPing(WebSocket conn, Framedata f) {
    if (!stalled()) {
      super.onWebsocketPing(conn, f);
    }
  }

  @Override
  public void onError(WebSocket conn, Exception ex) {
    if (conn == null) {
      startError = ex;
      started.countDown();
    } else {
      log.debug("simulator: connection error", ex);
    }
  }

  @Override
  public void onStart() {
    started.countDown();
  }

  // ---- generation (generator thread) ----

  private boolean stalled() {
    return System.nanoTime() < stalledUntilNanos;
  }

  private void resetPace() {
    long now = System.nanoTime();
    for (PairStream s : streams) {
      s.pace().restart(now);
    }
    replayPace.restart(now);
  }

  private void generate() {
    try {
      synchronized (generator) {
        if (paused) {
          return;
        }
        long now = System.nanoTime();
        if (stalled()) {
          resetPace();
          return;
        }
        long wallNow = System.currentTimeMillis();
        Collection<WebSocket> conns = getConnections();
        List<String> lines = replayLines;
        if (lines != null) {
          replayPace.forgiveLag(now);
          while (replayPace.dueNanos <= now && replayNext(lines, conns)) {
            replayPace.advance();
          }
          return;
        }
        for (PairStream s : streams) {
          s.pace().forgiveLag(now);
        }
        // In the order they are due across pairs, each stamped with the time it was due, so the
        // pairs' ticks interleave and carry distinct times even though this runs every few ms.
        while (true) {
          PairStream first = null;
          for (PairStream s : streams) {
            if (first == null || s.pace().dueNanos < first.pace().dueNanos) {
              first = s;
            }
          }
          if (first == null || first.pace().dueNanos > now) {
            break;
          }
          send(first.book().next(wallNow - (now - first.pace().dueNanos) / 1_000_000), conns);
          first.pace().advance();
        }
      }
    } catch (RuntimeException e) {
      log.error("simulator: generator failed", e);
    }
  }

  private void send(SimQuote q, Collection<WebSocket> conns) {
    String stream = q.pair().toLowerCase(Locale.ROOT) + SUFFIX;
    String raw = null;
    String combined = null;
    boolean any = false;
    for (WebSocket c : conns) {
      Subscriber sub = c.getAttachment();
      if (sub == null || !c.isOpen() || !sub.streams.contains(stream)) {
        continue;
      }
      if (raw == null) {
        raw = config.futures() ? q.futuresJson() : q.spotJson();
      }
      String text = raw;
      if (sub.combined) {
        if (combined == null) {
          combined = SimQuote.combined(stream, raw);
        }
        text = combined;
      }
      try {
        c.send(text);
        any = true;
      } catch (WebsocketNotConnectedException e) {
        // Closed in between: not sent.
      }
    }
    if (any) {
      sentCount.incrementAndGet();
      if (config.recordSent()) {
        sent.get(q.pair()).add(q);
      }
    }
  }

  /** Sends the next recorded line; false when the file is done. */
  private boolean replayNext(List<String> lines, Collection<WebSocket> conns) {
    if (replayPos >= lines.size()) {
      if (!replayLoop) {
        return false;
      }
      replayPos = 0;
    }
    String line = lines.get(replayPos++);
    String stream = null;
    String payload = line;
    try {
      RecordedLine recorded = RecordedLine.of(line);
      if (recorded.data() != null) {
        stream = recorded.stream();
        payload = recorded.data();
      } else if (recorded.symbol() != null) {
        stream = recorded.symbol().toLowerCase(Locale.ROOT) + SUFFIX;
      }
    } catch (IOException e) {
      // Recorded garbage is replayed as is, to everyone.
    }
    for (WebSocket c : conns) {
      Subscriber sub = c.getAttachment();
      if (sub == null || !c.isOpen()) {
        continue;
      }
      String text;
      if (stream == null) {
        text = line;
      } else if (!sub.streams.contains(stream)) {
        continue;
      } else {
        text = sub.combined ? SimQuote.combined(stream, payload) : payload;
      }
      try {
        c.send(text);
      } catch (WebsocketNotConnectedException e) {
        // Gone.
      }
    }
    return true;
  }

  /** A JSON value's text: a string's content, any other value's JSON text; null when absent or JSON null. */
  private static String textOf(JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    return n.isTextual() ? n.asText() : n.toString();
  }

  /** A request that is JSON but not an object. */
  private static final class JsonRequestException extends JsonProcessingException {
    private static final long serialVersionUID = 1L;

    JsonRequestException(String message) {
      super(message);
    }
  }

  /**
   * What the replay needs of a recorded frame: a combined stream's name and its {@code data}
   * exactly as recorded (sliced from the line, not written again), or a raw stream's symbol.
   */
  private record RecordedLine(String stream, String data, String symbol) {
    static RecordedLine of(String line) throws IOException {
      try (JsonParser p = JSON.getFactory().createParser(line)) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          throw new JsonRequestException("the line is not a JSON object");
        }
        String stream = null;
        String data = null;
        String symbol = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonToken value = p.nextToken();
          if ("data".equals(name)) {
            if (value == JsonToken.VALUE_STRING) {
              data = p.getText();
            } else {
              int from = (int) p.currentTokenLocation().getCharOffset();
              p.skipChildren();
              data = line.substring(from, (int) p.currentLocation().getCharOffset());
            }
          } else if ("stream".equals(name) || "s".equals(name)) {
            String text = value == JsonToken.VALUE_NULL ? null : p.getText();
            p.skipChildren();
            if ("s".equals(name)) {
              symbol = text;
            } else {
              stream = text;
            }
          } else {
            p.skipChildren();
          }
        }
        if (p.nextToken() != null) {
          throw new JsonRequestException("unexpected text after the object");
        }
        return new RecordedLine(stream, data, symbol);
      }
    }
  }
}
