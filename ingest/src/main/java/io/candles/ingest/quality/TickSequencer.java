package io.candles.ingest.quality;

import io.candles.contract.DeadLetter;
import io.candles.contract.EventTimes;
import io.candles.contract.Gap;
import io.candles.contract.GapCause;
import io.candles.contract.Prices;
import io.candles.contract.RejectReason;
import io.candles.contract.Tick;
import io.candles.contract.RejectedTickException;
import io.candles.contract.TickJson;
import io.candles.contract.TickRules;
import io.candles.ingest.exchange.ExchangeAdapter;
import io.candles.ingest.exchange.Frame;
import io.candles.ingest.exchange.Quote;
import io.candles.ingest.kafka.OutRecord;
import io.candles.ingest.kafka.RecordSink;
import io.candles.ingest.metrics.PairMetrics;
import io.candles.ingest.metrics.RejectCounters;
import io.candles.ingest.transport.FrameListener;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts one connection's frames in sequence on their way to Kafka: decode (the adapter, with the
 * contract's rules), then per pair the update-id sequence across sessions (a rollover's overlap
 * taken once, a late frame of a replaced session dropped, a restarted sequence recognised) and the
 * price-jump rule, then a tick record or a dead letter into the sink, in arrival order.
 *
 * <p>It also marks the connection's gaps ({@link GapMarker}): a gap record per pair, in pieces
 * while the gap lasts ({@link #writeDueGapPieces}), the last piece written before the first tick
 * after it, so that in each pair's partition the gap comes before the data that ends it.
 *
 * <p>One instance per connection, with one lock: during a rollover two sessions deliver
 * concurrently, and check-then-enqueue must be atomic for Kafka order to be arrival order; gap
 * pieces are written under the same lock. Pairs never span connections, so instances do not contend.
 */
public final class TickSequencer implements FrameListener {
  /**
   * In-order updates below a pair's last update id that a newer session must deliver in a row
   * before they are taken as a restarted sequence rather than rejected as stale.
   */
  static final int SEQUENCE_RESTART_AFTER = 20;
  private static final Logger log = LoggerFactory.getLogger(TickSequencer.class);

  private final String connection;
  private final ExchangeAdapter adapter;
  private final Map<String, PairSlot> pairs;
  private final PriceJumpRule jumps;
  private final long maxClockSkewMillis;
  private final RecordSink sink;
  private final RejectCounters unattributed;
  private final LongSupplier wallClock;
  private final Set<String> loggedReasons = ConcurrentHashMap.newKeySet();
  private final LongAdder controlMessages = new LongAdder();
  private final LongAdder exchangeErrors = new LongAdder();
  private final LongAdder lostInterrupted = new LongAdder();
  private final LongAdder refusedWhileStopped = new LongAdder();
  private final LongAdder sequenceRestarts = new LongAdder();
  private final ReentrantLock lock = new ReentrantLock();
  private volatile boolean accepting = true;
  /** Frames of sessions older than this are late; guarded by {@code lock}. */
  private long oldestLiveSession = Long.MIN_VALUE;
  private final LongAdder lateFrames = new LongAdder();
  private final GapMarker gaps;
  /** Wall-clock time of the last frame taken, where a gap found later starts; -1 before the first. */
  private volatile long lastFrameAt = -1;

  /** Per-pair check state; touched only under the sequencer's lock. */
  private static final class PairSlot {
    final PairMetrics metrics;
    long lastUpdateId = Tick.NO_UPDATE_ID;
    long lastMid = -1;
    /**
     * The spread and event time of the last tick written, which the next tick carries
     * ({@link TickJson#PREV_SPREAD}); none before the first and after a gap.
     */
    long prevSpread = Tick.NO_SPREAD;
    long prevEventTime = Tick.NO_TIME;
    long lastJumpLogAt;
    /** The session that delivered {@link #lastUpdateId}; -1 once that session is gone (a gap). */
    long lastSession = -1;
    /**
     * During a rollover overlap only: the last update id each session delivered for this pair,
     * taken or not. Each session's stream has no holes from its first update on, so an update
     * may be taken from a session when the update before it, in that session's stream, is one we
     * already hold: {@code previous <= lastUpdateId}.
     */
    Map<Long, Long> previousBySession;
    /**
     * A newer session delivering updates below {@link #lastUpdateId}: which session, its last such
     * update, and how many in order so far (see {@link #SEQUENCE_RESTART_AFTER}).
     */
    long behindSession = -1;
    long behindLastId = Tick.NO_UPDATE_ID;
    int behindRun;

    PairSlot(PairMetrics metrics) {
      this.metrics = metrics;
    }
  }

  /**
   * @param pairMetrics the metrics of exactly the pairs this connection carries
   * @param maxClockSkewMillis how far an event time may be ahead of the receive time
   *     ({@link TickRules#checkClock}, the rule the pipeline applies too)
   * @param unattributed rejects of messages whose pair is unknown or not configured
   * @param wallClock epoch milliseconds, for receive times
   */
  public TickSequencer(
      String connection,
      ExchangeAdapter adapter,
      List<PairMetrics> pairMetrics,
      PriceJumpRule jumps,
      long maxClockSkewMillis,
      RecordSink sink,
      RejectCounters unattributed,
      LongSupplier wallClock) {
    this.connection = connection;
    this.adapter = adapter;
    Map<String, PairSlot> m = new HashMap<>();
    for (PairMetrics p : pairMetrics) {
      m.put(p.pair(), new PairSlot(p));
    }
    this.pairs = Map.copyOf(m);
    List<String> names = new ArrayList<>();
    pairMetrics.forEach(p -> names.add(p.pair()));
    this.gaps = new GapMarker(names, GapMarker.PIECE_INTERVAL_MILLIS);
    this.jumps = jumps;
    this.maxClockSkewMillis = maxClockSkewMillis;
    this.sink = sink;
    this.unattributed = unattributed;
    this.wallClock = wallClock;
  }

  @Override
  public void onFrame(String text, long session, boolean overlapping) {
    lock.lock();
    try {
      if (!admit(session)) {
        return;
      }
      long now = wallClock.getAsLong();
      lastFrameAt = now;
      if (gaps.isOpen()) {
        // Data flows again: the gap's last piece goes before this frame's tick, in every pair.
        writeGaps(gaps.close(now));
        // What the spread was during the gap is unknown: the next ticks say nothing of before it.
        for (PairSlot s : pairs.values()) {
          s.prevSpread = Tick.NO_SPREAD;
          s.prevEventTime = Tick.NO_TIME;
        }
      }
      process(text, session, overlapping, now);
    } finally {
      lock.unlock();
    }
  }

  /** Whether a frame read by {@code session} may be taken; a refusal is counted. Under the lock. */
  private boolean admit(long session) {
    if (!accepting) {
      // A frame that raced with stop(): refused, and counted.
      refusedWhileStopped.increment();
      return false;
    }
    if (session < oldestLiveSession) {
      // Read by a session that has since been replaced after a gap (its thread was slow to get
      // here): it is older than what the new session delivers, so it cannot be put in order.
      lateFrames.increment();
      return false;
    }
    return true;
  }

  /**
   * A binary frame: the exchanges here send text only, so it cannot be a quote. Dead-lettered with
   * reason {@code binary_frame} (its bytes in base64) and counted, like any other reject.
   */
  @Override
  public void onBinaryFrame(ByteBuffer bytes, long session) {
    lock.lock();
    try {
      if (!admit(session)) {
        return;
      }
      long now = wallClock.getAsLong();
      String detail = "a binary WebSocket frame of " + bytes.remaining() + " bytes; " + adapter.name()
          + " sends text frames only";
      unattributed.increment(RejectReason.BINARY_FRAME.code());
      logOnce(RejectReason.BINARY_FRAME, detail);
      put(OutRecord.deadLetter(null,
          DeadLetter.binaryToJson(RejectReason.BINARY_FRAME, detail, connection, bytes), now));
    } finally {
      lock.unlock();
    }
  }

  private void process(String text, long session, boolean overlapping, long now) {
    Frame frame = adapter.decode(text, now);
    if (frame instanceof Quote q) {
      onQuote(q, text, now, session, overlapping);
    } else if (frame instanceof Frame.Rejected r) {
      reject(r.pair(), r.reason(), r.detail(), r.stream(), text, now);
    } else if (frame instanceof Frame.Control c) {
      controlMessages.increment();
      log.debug("{}: {}", connection, c.description());
    } else if (frame instanceof Frame.ExchangeError e) {
      exchangeErrors.increment();
      log.warn("{}: the exchange reports {}", connection, e.detail());
    }
  }

  private void onQuote(Quote q, String raw, long now, long session, boolean overlapping) {
    PairSlot slot = pairs.get(q.pair());
    if (slot == null) {
      reject(q.pair(), RejectReason.UNEXPECTED_PAIR,
          "pair " + q.pair() + " is not one of this connection's pairs", q.stream(), raw, now);
      return;
    }
    try {
      // Before the sequence checks: a tick from a bad clock is not an update to keep.
      TickRules.checkClock(q.eventTimeMillis(), now, now, maxClockSkewMillis);
    } catch (RejectedTickException e) {
      reject(q.pair(), e.reason(), e.detail(), q.stream(), raw, now);
      return;
    }
    if (overlapping && q.updateId() != Tick.NO_UPDATE_ID) {
      if (!takeDuringOverlap(slot, session, q.updateId())) {
        slot.metrics.overlapDuplicate();
        return;
      }
    } else if (slot.previousBySession != null) {
      // The overlap has ended, but for this pair the handover has not: a new session that joined
      // behind the old one still repeats what the old one delivered until it catches up. Those
      // repeats are the rollover's, not the exchange's; they are dropped and counted as such.
      if (q.updateId() != Tick.NO_UPDATE_ID && slot.lastUpdateId != Tick.NO_UPDATE_ID
          && q.updateId() <= slot.lastUpdateId && session != slot.lastSession) {
        slot.metrics.overlapDuplicate();
        return;
      }
      slot.previousBySession = null;
    }
    if (q.updateId() != Tick.NO_UPDATE_ID && slot.lastUpdateId != Tick.NO_UPDATE_ID
        && q.updateId() <= slot.lastUpdateId && !sequenceRestarted(slot, q, session)) {
      RejectReason reason = q.updateId() == slot.lastUpdateId
          ? RejectReason.DUPLICATE_UPDATE_ID
          : RejectReason.BACKWARDS_UPDATE_ID;
      reject(q.pair(), reason,
          "update_id " + q.updateId() + " is not after the last one, " + slot.lastUpdateId, q.stream(), raw, now);
      return;
    }
    if (q.updateId() != Tick.NO_UPDATE_ID) {
      slot.lastUpdateId = q.updateId();
      slot.lastSession = session;
    }
    long mid = Prices.mid(q.bidUnits(), q.askUnits());
    long lastMid = slot.lastMid;
    // The reference is the previous valid tick even when that one was flagged: a genuine move
    // is flagged once, and a lone bad print costs at most itself and the tick after it.
    slot.lastMid = mid;
    if (jumps.isJump(lastMid, mid)) {
      slot.metrics.priceJump();
      String detail = "mid " + Prices.midToDecimal(mid).toPlainString() + " moved more than "
          + jumps.fraction().toPlainString() + " from " + Prices.midToDecimal(lastMid).toPlainString();
      if (jumps.drop()) {
        reject(q.pair(), RejectReason.PRICE_JUMP, detail, q.stream(), raw, now);
        return;
      }
      if (now - slot.lastJumpLogAt > 10_000) {
        slot.lastJumpLogAt = now;
        log.warn("{}: {} price jump flagged (tick kept): {}", connection, q.pair(), detail);
      }
    }
    String value = TickJson.write(q.pair(), q.bid(), q.ask(), q.eventTimeMillis(), now, adapter.name(),
        q.updateId(), slot.prevSpread, slot.prevEventTime);
    if (put(OutRecord.tick(q.pair(), value, q.eventTimeMillis()))) {
      slot.metrics.tick(now, q.updateId());
      slot.prevSpread = q.askUnits() - q.bidUnits();
      slot.prevEventTime = q.eventTimeMillis();
    }
  }

  /**
   * Whether update {@code q}, at or below the last one held for its pair, is in fact the start of
   * a restarted sequence. Only a session newer than the one that delivered the last update can
   * show one, and only by {@value #SEQUENCE_RESTART_AFTER} updates in a row, in order, all below
   * what we hold: a few stale repeats after a reconnect never add up to that. The updates before
   * the evidence is complete are dead-lettered (nothing is lost); from this one on they are taken.
   */
  private boolean sequenceRestarted(PairSlot slot, Quote q, long session) {
    if (session == slot.lastSession) {
      return false;
    }
    if (session == slot.behindSession && q.updateId() > slot.behindLastId) {
      slot.behindRun++;
    } else {
      slot.behindSession = session;
      slot.behindRun = 1;
    }
    slot.behindLastId = q.updateId();
    if (slot.behindRun < SEQUENCE_RESTART_AFTER) {
      return false;
    }
    sequenceRestarts.increment();
    log.warn("{}: {} update_id sequence restarted on session {}: {} updates in a row from {} are below the last"
            + " one taken, {}; the {} before this one were dead-lettered, this and later ones are taken",
        connection, q.pair(), session, slot.behindRun, q.updateId(), slot.lastUpdateId, slot.behindRun - 1);
    slot.behindSession = -1;
    slot.behindRun = 0;
    return true;
  }

  /**
   * Whether to take update {@code id} of a session during a rollover overlap, when two sessions
   * deliver the same stream: each update once, in order, and none skipped. An update is taken only
   * if everything its session delivered before it is already held; so a new session that joins
   * ahead of us is used only once the old one has caught up with it, and the old one delivers the
   * updates in between meanwhile.
   */
  private static boolean takeDuringOverlap(PairSlot slot, long session, long id) {
    if (slot.previousBySession == null) {
      slot.previousBySession = new HashMap<>(4);
    }
    Long previous = slot.previousBySession.get(session);
    slot.previousBySession.put(session, previous == null ? id : Math.max(previous, id));
    if (slot.lastUpdateId == Tick.NO_UPDATE_ID) {
      return true;
    }
    if (id <= slot.lastUpdateId) {
      return false; // held already, from the other session
    }
    if (slot.lastSession == -1) {
      return true; // what we hold came before a gap, from a session now gone: a later update follows it
    }
    if (previous == null) {
      // This session's first update in the overlap: it follows what we hold only if this is the
      // session we have been taking from all along.
      return session == slot.lastSession;
    }
    return previous <= slot.lastUpdateId;
  }

  private void reject(String pair, RejectReason reason, String detail, String stream, String raw, long now) {
    PairSlot slot = pair == null ? null : pairs.get(pair);
    if (slot != null) {
      slot.metrics.reject(reason.code());
    } else {
      unattributed.increment(reason.code());
    }
    logOnce(reason, detail);
    String source = stream != null ? stream : connection;
    put(OutRecord.deadLetter(pair, new DeadLetter(pair, raw, reason, detail, source).toJson(), now));
  }

  private void logOnce(RejectReason reason, String detail) {
    String code = reason.code();
    if (loggedReasons.add(code)) {
      log.warn("{}: rejected a message ({}): {}; later ones of this kind are counted in /status and"
          + " /metrics and written to the dead-letter topic, not logged", connection, code, detail);
    }
  }

  private boolean put(OutRecord r) {
    try {
      sink.put(r);
      return true;
    } catch (InterruptedException e) {
      // Only when the process is being torn down: count it, never lose it silently.
      Thread.currentThread().interrupt();
      lostInterrupted.increment();
      log.error("{}: interrupted while waiting for room in the Kafka buffer; one record lost", connection);
      return false;
    }
  }

  @Override
  public void onSessionOpened(long session, boolean continuation) {
    if (continuation) {
      return;
    }
    lock.lock();
    try {
      oldestLiveSession = Math.max(oldestLiveSession, session);
      // The last update id of each pair is kept across the gap: the exchange's id is per symbol
      // and increases across connections, so a repeated or older one after a reconnect is a
      // duplicate or out of order, and rejected. (Should the sequence itself have restarted, e.g.
      // a simulator restarted with the same seed, sequenceRestarted() sees it.) Only the
      // rollover's state belongs to the sessions that are gone.
      for (PairSlot s : pairs.values()) {
        s.lastSession = -1;
        s.previousBySession = null;
        s.behindSession = -1;
        s.behindRun = 0;
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * The connection lost its session: a gap opens for every pair at the last frame taken. Only
   * notes it (the transport's thread must not wait); the pieces are written by
   * {@link #writeDueGapPieces} and the first frame after it.
   */
  @Override
  public void onGapOpened(GapCause cause) {
    long start = lastFrameAt;
    if (start >= 0 && gaps.open(cause, start)) {
      log.warn("{}: gap ({}) from {}: marking it in the ticks topic every {} ms until data flows again",
          connection, cause.code(), EventTimes.format(start), GapMarker.PIECE_INTERVAL_MILLIS);
    }
  }

  /**
   * This process starts where an earlier one left off: the feed of this connection's pairs was last
   * known live at {@code lastLiveMillis} (wall clock; the newest tick's receive time or gap end the
   * earlier process wrote for any of them). A gap of cause {@code restart} opens there, so the time
   * no process was reading is marked like any other interruption, until data flows.
   *
   * @return true if a gap opened (not when one is open already, or the time is not in the past)
   */
  public boolean gapSinceRestart(long lastLiveMillis) {
    lock.lock();
    try {
      if (lastLiveMillis >= wallClock.getAsLong() || !gaps.open(GapCause.RESTART, lastLiveMillis)) {
        return false;
      }
    } finally {
      lock.unlock();
    }
    log.warn("{}: gap (restart) from {}, where the previous ingester left off: marking it in the ticks topic until"
        + " data flows", connection, EventTimes.format(lastLiveMillis));
    return true;
  }

  /** The pairs of this connection. */
  public Set<String> pairNames() {
    return pairs.keySet();
  }

  /**
   * Writes the pieces of the open gap that are due now (one per pair an interval after the last).
   * Called on a timer, often enough that no piece is much older than the interval when written;
   * may wait for room in the Kafka buffer, like a frame.
   */
  public void writeDueGapPieces() throws InterruptedException {
    if (!gaps.isOpen()) {
      return;
    }
    lock.lockInterruptibly();
    try {
      writeGaps(gaps.due(wallClock.getAsLong()));
    } finally {
      lock.unlock();
    }
  }

  /**
   * The flow was stopped at {@code atMillis} (wall clock, taken before the connection closed): a gap
   * of cause {@code stopped} opens there (or at the last frame taken, if that came later) for every pair,
   * and a gap already open ends there. Call after {@link #halt}.
   *
   * @return false if a frame still held the lock after {@code timeoutMillis} (nothing marked)
   */
  public boolean gapStopped(long atMillis, long timeoutMillis) throws InterruptedException {
    if (!lock.tryLock(timeoutMillis, TimeUnit.MILLISECONDS)) {
      return false;
    }
    try {
      // A frame read just before its connection closed may have been taken after atMillis: the gap
      // starts after it, so that no tick falls inside the gap.
      writeGaps(gaps.switchTo(GapCause.STOPPED, Math.max(atMillis, lastFrameAt)));
    } finally {
      lock.unlock();
    }
    return true;
  }

  /**
   * The ingester is closing: an open gap gets its last piece, up to now (nothing after this is
   * marked; a later process cannot know where this one's gap began).
   *
   * @return false if a frame still held the lock after {@code timeoutMillis} (nothing written)
   */
  public boolean closeGaps(long timeoutMillis) throws InterruptedException {
    if (!gaps.isOpen()) {
      return true;
    }
    if (!lock.tryLock(timeoutMillis, TimeUnit.MILLISECONDS)) {
      return false;
    }
    try {
      writeGaps(gaps.close(wallClock.getAsLong()));
    } finally {
      lock.unlock();
    }
    return true;
  }

  /** Under the lock: hands the gap pieces to the sink, counted per pair. */
  private void writeGaps(List<Gap> pieces) {
    for (Gap g : pieces) {
      if (put(OutRecord.gap(g))) {
        pairs.get(g.pair()).metrics.gapRecord(g.lengthMillis());
      }
    }
  }

  /**
   * Refuses further frames, and waits up to {@code timeoutMillis} for a frame being processed to
   * be handed to the sink (it may be waiting for room in a full buffer).
   *
   * @return true if no frame is in progress any more
   */
  public boolean halt(long timeoutMillis) throws InterruptedException {
    accepting = false;
    if (lock.tryLock(timeoutMillis, TimeUnit.MILLISECONDS)) {
      lock.unlock();
      return true;
    }
    return false;
  }

  /** Accepts frames again. */
  public void resume() {
    accepting = true;
  }

  /** Pairs whose update id sequence was found restarted after a reconnect. */
  public long sequenceRestarts() {
    return sequenceRestarts.sum();
  }

  public long controlMessages() {
    return controlMessages.sum();
  }

  public long exchangeErrors() {
    return exchangeErrors.sum();
  }

  /** Records lost because the reader was interrupted while the buffer was full (teardown only). */
  public long lostInterrupted() {
    return lostInterrupted.sum();
  }

  /** Frames of a replaced session that reached the checks only after its replacement had opened. */
  public long lateFrames() {
    return lateFrames.sum();
  }

  /** Frames that arrived in the moment between a stop request and the socket closing. */
  public long refusedWhileStopped() {
    return refusedWhileStopped.sum();
  }
}
