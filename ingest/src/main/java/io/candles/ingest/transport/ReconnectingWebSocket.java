package io.candles.ingest.transport;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.java_websocket.WebSocket;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ServerHandshake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One logical WebSocket connection that stays up for weeks: the transport, written once for every
 * exchange. It knows nothing of the protocol beyond "open this URI, send these messages".
 *
 * <ul>
 *   <li>Each attempt uses a fresh {@link WebSocketClient} (a "session"); Java-WebSocket clients are
 *       not meant to be reused after a failure, and a fresh one cannot carry stale state.
 *   <li>Reconnects run on the shared scheduler after an exponential, jittered, capped delay, never
 *       inside the client's own close callback (which runs on its reader thread while the client is
 *       still tearing down).
 *   <li>Pings are answered by Java-WebSocket itself. We also ping the server, so a quiet but healthy
 *       connection keeps producing pongs; a session that has received nothing for
 *       {@code silenceTimeout} is declared dead and replaced, because a half-open TCP connection
 *       otherwise looks healthy forever.
 *   <li>Before the exchange's 24-hour forced disconnect a replacement session is opened alongside
 *       (make-before-break). Once the new one delivers it becomes current, and the old one keeps
 *       delivering for a short overlap ({@code overlapGrace}) before it is closed; frames of both
 *       are flagged as overlapping so the listener can take each update once, in order.
 *   <li>A gap is the time from the last frame before a session was lost to the first frame after a
 *       new one opened; every gap is logged with its length and counted.
 * </ul>
 *
 * <p>Thread-safety: lifecycle state is guarded by {@code lock}; the per-frame path reads volatile
 * fields only, apart from closing a gap or promoting a rollover session, which happen once each.
 */
public final class ReconnectingWebSocket {
  private static final Logger log = LoggerFactory.getLogger(ReconnectingWebSocket.class);

  private final String name;
  private final URI uri;
  private final List<String> subscribeMessages;
  private final FrameListener listener;
  private final TransportSettings settings;
  private final ScheduledExecutorService scheduler;
  private final LongSupplier clock;
  private final Backoff backoff;

  private final Object lock = new Object();
  // Guarded by lock; volatile where the frame path reads them without it.
  private volatile boolean running;
  private volatile Session current;
  private volatile Session successor;
  private volatile Session retiring;
  private ScheduledFuture<?> pendingConnect;
  private ScheduledFuture<?> watchdog;
  private long nextSessionId = 1;
  private long gapStartedAt = -1;
  private long downSince = -1;
  private long nextRolloverAt = Long.MAX_VALUE;
  private long sessionsOpened;
  private long gaps;
  private long gapMillisTotal;
  private long lastGapMillis = -1;
  private long rollovers;
  private long reconnects;

  private volatile boolean gapOpen;
  private volatile long overlapUntil = Long.MIN_VALUE;
  private volatile ConnectionState state = ConnectionState.STOPPED;
  private volatile long lastFrameAt = -1;
  private volatile long lastInboundAt = -1;
  private final LongAdder frames = new LongAdder();
  private final LongAdder staleFrames = new LongAdder();

  /**
   * @param clock monotonic milliseconds (e.g. {@code System.nanoTime() / 1e6}); injectable for tests
   */
  public ReconnectingWebSocket(
      String name,
      URI uri,
      List<String> subscribeMessages,
      FrameListener listener,
      TransportSettings settings,
      ScheduledExecutorService scheduler,
      LongSupplier clock,
      Backoff backoff) {
    this.name = name;
    this.uri = uri;
    this.subscribeMessages = List.copyOf(subscribeMessages);
    this.listener = listener;
    this.settings = settings;
    this.scheduler = scheduler;
    this.clock = clock;
    this.backoff = backoff;
  }

  /** Monotonic milliseconds from {@link System#nanoTime()}. */
  public static long monotonicMillis() {
    return System.nanoTime() / 1_000_000L;
  }

  public String name() {
    return name;
  }

  /** Starts connecting (no-op when already running). */
  public void start() {
    synchronized (lock) {
      if (running) {
        return;
      }
      running = true;
      backoff.reset();
      gapOpen = false;
      gapStartedAt = -1;
      lastFrameAt = -1;
      downSince = clock.getAsLong();
      state = ConnectionState.CONNECTING;
      long period = Math.max(10, settings.watchdogPeriod().toMillis());
      watchdog = scheduler.scheduleAtFixedRate(this::watch, period, period, TimeUnit.MILLISECONDS);
      pendingConnect = scheduler.schedule(this::connect, 0, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Stops: no more reconnects; open sessions are closed. Frames already being delivered may still
   * complete; the listener must refuse late ones itself if it needs a hard stop.
   */
  public void stop() {
    List<Session> toClose = new ArrayList<>(3);
    long openGap = -1;
    long gapCount = 0;
    synchronized (lock) {
      if (!running) {
        return;
      }
      running = false;
      if (gapOpen && gapStartedAt >= 0) {
        // Stopped while no data was flowing: the gap ends here, unfilled, and still counts.
        openGap = clock.getAsLong() - gapStartedAt;
        gaps++;
        gapMillisTotal += openGap;
        lastGapMillis = openGap;
        gapCount = gaps;
      }
      cancel(pendingConnect);
      cancel(watchdog);
      pendingConnect = null;
      watchdog = null;
      for (Session s : new Session[] {current, successor, retiring}) {
        if (s != null) {
          s.ended = true;
          toClose.add(s);
        }
      }
      current = null;
      successor = null;
      retiring = null;
      overlapUntil = Long.MIN_VALUE;
      gapOpen = false;
      gapStartedAt = -1;
      downSince = -1;
      state = ConnectionState.STOPPED;
    }
    for (Session s : toClose) {
      s.closeGracefully("ingester stopping");
    }
    if (openGap >= 0) {
      log.warn("{}: stopped during a gap: no data for the last {} ms before the stop (gap #{})", name, openGap,
          gapCount);
    }
    log.info("{}: stopped", name);
  }

  /** A consistent snapshot of the counters. */
  public ConnectionStats stats() {
    long now = clock.getAsLong();
    synchronized (lock) {
      Session s = current;
      long frameAge = lastFrameAt < 0 ? -1 : now - lastFrameAt;
      long inboundAge = lastInboundAt < 0 ? -1 : now - lastInboundAt;
      long sessionAge = s == null || s.openedAt < 0 ? -1 : now - s.openedAt;
      long currentGap = gapOpen && gapStartedAt >= 0 ? now - gapStartedAt : -1;
      long down = running && downSince >= 0 ? now - downSince : 0;
      return new ConnectionStats(
          name, uri.toString(), state, frames.sum(), frameAge, inboundAge, gaps, gapMillisTotal,
          lastGapMillis, currentGap, reconnects, rollovers, sessionAge,
          staleFrames.sum(), down);
    }
  }

  // ---- session lifecycle (scheduler thread unless noted) ----

  private void connect() {
    Session s;
    synchronized (lock) {
      pendingConnect = null;
      if (!running || current != null) {
        return;
      }
      s = new Session(nextSessionId++, false);
      current = s;
      state = ConnectionState.CONNECTING;
    }
    log.info("{}: connecting session {} to {}", name, s.id, uri);
    s.connect();
  }

  /** Socket reader thread of {@code s}: the handshake completed. */
  private void opened(Session s) {
    boolean continuation;
    long now = clock.getAsLong();
    synchronized (lock) {
      if (!running || s.ended || (s != current && s != successor)) {
        continuation = false;
        s.closeGracefully("not needed any more");
        return;
      }
      s.openedAt = now;
      s.lastInboundAt = now;
      s.lastPingAt = now;
      s.opened = true;
      sessionsOpened++;
      continuation = s == successor;
      if (continuation) {
        overlapUntil = Long.MAX_VALUE;
      } else {
        state = ConnectionState.OPEN;
        downSince = -1;
        nextRolloverAt = now + settings.rolloverAfter().toMillis();
      }
    }
    log.info("{}: session {} open{}", name, s.id, continuation ? " (rollover replacement)" : "");
    listener.onSessionOpened(s.id, continuation);
    long pacing = settings.subscribePacing().toMillis();
    for (int i = 0; i < subscribeMessages.size(); i++) {
      String message = subscribeMessages.get(i);
      schedule(() -> s.sendIfOpen(message), i * pacing);
    }
  }

  /** Socket reader thread of {@code s}: one text frame. The hot path. */
  private void received(Session s, String text) {
    long now = clock.getAsLong();
    s.lastInboundAt = now;
    lastInboundAt = now;
    Session cur = current;
    boolean overlapping;
    if (!running) {
      staleFrames.increment();
      return;
    } else if (s == cur) {
      overlapping = now < overlapUntil;
    } else if (s == successor || s == retiring) {
      overlapping = true;
    } else {
      staleFrames.increment();
      return;
    }
    lastFrameAt = now;
    frames.increment();
    if (gapOpen) {
      closeGap(now);
    }
    if (s == successor) {
      promote(s, now);
    }
    listener.onFrame(text, s.id, overlapping);
  }

  /**
   * Socket reader thread of {@code s}: one binary frame. It shows the session is alive; it is not
   * exchange data (no gap closes, no rollover promotes on it), but it goes to the listener, which
   * counts and reports it, rather than vanishing.
   */
  private void receivedBinary(Session s, ByteBuffer bytes) {
    long now = clock.getAsLong();
    s.lastInboundAt = now;
    lastInboundAt = now;
    Session cur = current;
    if (!running || (s != cur && s != successor && s != retiring)) {
      staleFrames.increment();
      return;
    }
    listener.onBinaryFrame(bytes, s.id);
  }

  private void closeGap(long now) {
    long length;
    long count;
    synchronized (lock) {
      if (!gapOpen) {
        return;
      }
      gapOpen = false;
      length = now - gapStartedAt;
      gapStartedAt = -1;
      gaps++;
      gapMillisTotal += length;
      lastGapMillis = length;
      count = gaps;
    }
    log.warn("{}: data flowing again after a gap of {} ms (gap #{})", name, length, count);
  }

  /** The rollover replacement delivered: it becomes current; the old session retires after the overlap. */
  private void promote(Session s, long now) {
    Session old;
    synchronized (lock) {
      if (successor != s) {
        return;
      }
      old = current;
      current = s;
      successor = null;
      retiring = old;
      rollovers++;
      state = ConnectionState.OPEN;
      nextRolloverAt = now + settings.rolloverAfter().toMillis();
    }
    log.info("{}: rollover: session {} replaces session {}", name, s.id, old == null ? "-" : old.id);
    if (old != null) {
      schedule(() -> retire(old), settings.overlapGrace().toMillis());
    }
  }

  private void retire(Session old) {
    synchronized (lock) {
      if (retiring == old) {
        retiring = null;
        overlapUntil = Long.MIN_VALUE;
      }
      old.ended = true;
    }
    old.closeGracefully("replaced by a newer session");
  }

  /** Any thread: {@code s} closed or failed. Idempotent. */
  private void ended(Session s, String why) {
    long now = clock.getAsLong();
    synchronized (lock) {
      if (s.ended) {
        return;
      }
      s.ended = true;
      if (s == retiring) {
        retiring = null;
        overlapUntil = Long.MIN_VALUE;
        return;
      }
      if (s == successor) {
        successor = null;
        overlapUntil = Long.MIN_VALUE;
        nextRolloverAt = now + 60_000;
        log.warn("{}: rollover replacement session {} failed ({}); keeping session {}, retrying in 60 s",
            name, s.id, why, current == null ? "-" : current.id);
        return;
      }
      if (s != current) {
        return;
      }
      current = null;
      if (!running) {
        state = ConnectionState.STOPPED;
        return;
      }
      if (successor != null) {
        // The old session died during a rollover: the replacement simply takes over.
        current = successor;
        successor = null;
        overlapUntil = Long.MIN_VALUE;
        state = current.opened ? ConnectionState.OPEN : ConnectionState.CONNECTING;
        log.warn("{}: session {} ended ({}) during a rollover; session {} takes over", name, s.id, why, current.id);
        return;
      }
      long lived = s.openedAt < 0 ? -1 : now - s.openedAt;
      if (lived >= settings.stableAfter().toMillis()) {
        backoff.reset();
      }
      if (!gapOpen && lastFrameAt >= 0) {
        gapOpen = true;
        gapStartedAt = lastFrameAt;
      }
      if (downSince < 0) {
        downSince = now;
      }
      long delay = backoff.nextDelayMillis();
      reconnects++;
      state = ConnectionState.RECONNECTING;
      log.warn("{}: session {} {} ({}); reconnecting in {} ms (attempt {})", name, s.id,
          lived < 0 ? "failed to open" : "lost after " + lived + " ms", why, delay, backoff.attempts());
      pendingConnect = schedule(this::connect, delay);
    }
  }

  /** Scheduler: silence, connect timeouts, pings and rollover. */
  private void watch() {
    long now = clock.getAsLong();
    List<Session> dead = new ArrayList<>(2);
    List<String> why = new ArrayList<>(2);
    boolean startRollover = false;
    synchronized (lock) {
      if (!running) {
        return;
      }
      for (Session s : new Session[] {current, successor, retiring}) {
        if (s == null || s.ended) {
          continue;
        }
        if (!s.opened) {
          if (now - s.createdAt > settings.connectTimeout().toMillis()) {
            dead.add(s);
            why.add("no handshake within " + settings.connectTimeout().toMillis() + " ms");
          }
        } else if (now - s.lastInboundAt > settings.silenceTimeout().toMillis()) {
          dead.add(s);
          why.add("silent for " + (now - s.lastInboundAt) + " ms");
        } else if (now - s.lastPingAt >= settings.pingInterval().toMillis()) {
          s.lastPingAt = now;
          s.pingIfOpen();
        }
      }
      Session c = current;
      if (c != null && c.opened && successor == null && retiring == null && now >= nextRolloverAt
          && dead.isEmpty()) {
        successor = new Session(nextSessionId++, true);
        nextRolloverAt = Long.MAX_VALUE;
        startRollover = true;
      }
    }
    for (int i = 0; i < dead.size(); i++) {
      Session s = dead.get(i);
      log.warn("{}: session {} treated as dead: {}", name, s.id, why.get(i));
      s.abort(why.get(i));
      ended(s, why.get(i));
    }
    if (startRollover) {
      Session s = successor;
      if (s != null) {
        log.info("{}: rollover: opening a replacement ahead of the exchange's forced disconnect", name);
        s.connect();
      }
    }
  }

  private ScheduledFuture<?> schedule(Runnable r, long delayMillis) {
    try {
      return scheduler.schedule(r, delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      return null; // shutting down
    }
  }

  private static void cancel(ScheduledFuture<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }

  /** One attempt: a fresh client. */
  private final class Session extends WebSocketClient {
    final long id;
    final long createdAt;
    // Written under lock or by the session's own reader thread; read by the watchdog.
    volatile boolean opened;
    volatile boolean ended;
    volatile long openedAt = -1;
    volatile long lastInboundAt;
    volatile long lastPingAt;
    private volatile String lastError;

    Session(long id, boolean rolloverSuccessor) {
      super(ReconnectingWebSocket.this.uri, new Draft_6455(), Map.of(), (int) settings.connectTimeout().toMillis());
      this.id = id;
      this.createdAt = clock.getAsLong();
      // Our watchdog replaces the library's connection-lost timer: one mechanism, one clock.
      setConnectionLostTimeout(0);
      setDaemon(true);
      setTcpNoDelay(true);
    }

    @Override
    public void onOpen(ServerHandshake handshake) {
      opened(this);
    }

    @Override
    public void onMessage(String text) {
      received(this, text);
    }

    @Override
    public void onMessage(ByteBuffer bytes) {
      receivedBinary(this, bytes);
    }

    @Override
    public void onWebsocketPong(WebSocket conn, Framedata f) {
      long now = clock.getAsLong();
      lastInboundAt = now;
      ReconnectingWebSocket.this.lastInboundAt = now;
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {
      String why = (remote ? "closed by the server: " : "closed: ") + code
          + (reason == null || reason.isEmpty() ? "" : " " + reason)
          + (lastError == null ? "" : " (" + lastError + ")");
      // Never reconnect from inside the client's callback: hand over to the scheduler.
      try {
        scheduler.execute(() -> ended(this, why));
      } catch (RejectedExecutionException e) {
        // Shutting down.
      }
    }

    @Override
    public void onError(Exception ex) {
      lastError = ex.toString();
      log.debug("{}: session {} error", name, id, ex);
    }

    void sendIfOpen(String text) {
      if (!ended && isOpen()) {
        try {
          send(text);
        } catch (WebsocketNotConnectedException e) {
          // Closed in between: the reconnect will subscribe again.
        }
      }
    }

    void pingIfOpen() {
      if (isOpen()) {
        try {
          sendPing();
        } catch (WebsocketNotConnectedException e) {
          // Closed in between.
        }
      }
    }

    void closeGracefully(String why) {
      try {
        close(CloseFrame.NORMAL, why);
      } catch (RuntimeException e) {
        abort(why);
        return;
      }
      // A peer that never answers the close handshake must not keep the socket open.
      schedule(() -> {
        if (!isClosed()) {
          abort(why + " (close handshake timed out)");
        }
      }, 2_000);
    }

    /** Drops the connection at once, without a close handshake. */
    void abort(String why) {
      try {
        Socket socket = getSocket();
        if (socket != null) {
          socket.close();
        }
      } catch (IOException e) {
        // Closing anyway.
      }
      try {
        closeConnection(CloseFrame.ABNORMAL_CLOSE, why);
      } catch (RuntimeException e) {
        log.debug("{}: session {} abort", name, id, e);
      }
    }
  }
}
