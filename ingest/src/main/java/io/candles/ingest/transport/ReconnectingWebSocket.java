package io.candles.ingest.transport;

import io.candles.contract.GapCause;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One logical WebSocket connection that stays up for weeks: the transport, written once for every
 * exchange. It knows nothing of the protocol beyond "open this URI, send these messages".
 *
 * <ul>
 *   <li>Each attempt is a fresh {@link Session}.
 *   <li>Reconnects run on the shared scheduler after an exponential, jittered, capped delay
 *       ({@link Backoff}).
 *   <li>Pings are answered by Java-WebSocket itself; the {@link Watchdog} pings the server and
 *       replaces sessions that are silent or never open.
 *   <li>Before the exchange's 24-hour forced disconnect ({@link RolloverClock}) a replacement
 *       session is opened alongside (make-before-break). Once the new one delivers it becomes
 *       current, and the old one keeps delivering for a short overlap ({@code overlapGrace}) before
 *       it is closed; frames of both are flagged as overlapping so the listener can take each update
 *       once, in order.
 *   <li>Every gap ({@link GapAccount}) is logged with its length and counted, and its opening is
 *       reported to the listener ({@link FrameListener#onGapOpened}), which marks it in the records.
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
  private final Watchdog watchdogRules;
  private final Session.Owner events = new Events();

  private final Object lock = new Object();
  // Guarded by lock; volatile where the frame path reads them without it.
  private volatile boolean running;
  private volatile Session current;
  private volatile Session successor;
  private volatile Session retiring;
  private ScheduledFuture<?> pendingConnect;
  private ScheduledFuture<?> watchdog;
  private long nextSessionId = 1;
  private long downSince = -1;
  private final RolloverClock rollover;
  private final GapAccount gaps = new GapAccount();
  private long sessionsOpened;
  private long rollovers;
  private long reconnects;

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
    this.watchdogRules = new Watchdog(settings);
    this.rollover = new RolloverClock(settings);
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
      gaps.reset();
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
      // Stopped while no data was flowing: the gap ends here, unfilled, and still counts.
      openGap = gaps.closeAtStop(clock.getAsLong());
      gapCount = gaps.count();
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
      long down = running && downSince >= 0 ? now - downSince : 0;
      return new ConnectionStats(
          name, uri.toString(), state, frames.sum(), frameAge, inboundAge, gaps.count(), gaps.millisTotal(),
          gaps.lastMillis(), gaps.currentMillis(now), reconnects, rollovers, sessionAge,
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
      s = newSession();
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
        rollover.sessionCurrent(now);
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
    if (gaps.isOpen()) {
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
      length = gaps.close(now);
      if (length < 0) {
        return;
      }
      count = gaps.count();
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
      rollover.sessionCurrent(now);
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
    ended(s, why, GapCause.RECONNECT);
  }

  /** As {@link #ended(Session, String)}; {@code cause} is what a gap opened by it is put down to. */
  private void ended(Session s, String why, GapCause cause) {
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
        rollover.replacementFailed(now);
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
      if (gaps.sessionLost(lastFrameAt)) {
        listener.onGapOpened(cause);
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
        String reason = watchdogRules.check(s, now);
        if (reason != null) {
          dead.add(s);
          why.add(reason);
        }
      }
      Session c = current;
      if (c != null && c.opened && successor == null && retiring == null && rollover.due(now)
          && dead.isEmpty()) {
        successor = newSession();
        rollover.replacementStarted();
        startRollover = true;
      }
    }
    for (int i = 0; i < dead.size(); i++) {
      Session s = dead.get(i);
      log.warn("{}: session {} treated as dead: {}", name, s.id, why.get(i));
      s.abort(why.get(i));
      // Only an open session can have been silent; one that never opened is a failed reconnect.
      ended(s, why.get(i), s.opened ? GapCause.SILENCE : GapCause.RECONNECT);
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
    return Session.schedule(scheduler, r, delayMillis);
  }

  private static void cancel(ScheduledFuture<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }

  /** Under lock. */
  private Session newSession() {
    return new Session(name, nextSessionId++, uri, settings, clock, scheduler, events);
  }

  /** What the sessions report, to this connection's private handlers. */
  private final class Events implements Session.Owner {
    @Override
    public void opened(Session s) {
      ReconnectingWebSocket.this.opened(s);
    }

    @Override
    public void received(Session s, String text) {
      ReconnectingWebSocket.this.received(s, text);
    }

    @Override
    public void receivedBinary(Session s, ByteBuffer bytes) {
      ReconnectingWebSocket.this.receivedBinary(s, bytes);
    }

    @Override
    public void ponged(long now) {
      lastInboundAt = now;
    }

    @Override
    public void ended(Session s, String why) {
      ReconnectingWebSocket.this.ended(s, why);
    }
  }
}
