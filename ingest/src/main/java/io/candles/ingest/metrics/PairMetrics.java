package io.candles.ingest.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters for one pair, written on its connection's reader thread and read by {@code /status} and {@code /metrics}. */
public final class PairMetrics {
  private final String pair;
  private final String connection;
  private final LongAdder ticks = new LongAdder();
  private final LongAdder priceJumps = new LongAdder();
  private final LongAdder overlapDuplicates = new LongAdder();
  private final LongAdder gapRecords = new LongAdder();
  private final LongAdder gapRecordMillis = new LongAdder();
  private final ConcurrentHashMap<String, LongAdder> rejects = new ConcurrentHashMap<>();
  private final RateMeter rate = new RateMeter(10);
  private volatile long lastTickAtMillis = -1;
  private volatile long lastUpdateId = Long.MIN_VALUE;

  public PairMetrics(String pair, String connection) {
    this.pair = pair;
    this.connection = connection;
  }

  public String pair() {
    return pair;
  }

  /** The name of the connection that carries this pair. */
  public String connection() {
    return connection;
  }

  public void tick(long receivedAtMillis, long updateId) {
    ticks.increment();
    lastTickAtMillis = receivedAtMillis;
    lastUpdateId = updateId;
  }

  public void reject(String reasonCode) {
    rejects.computeIfAbsent(reasonCode, k -> new LongAdder()).increment();
  }

  public void priceJump() {
    priceJumps.increment();
  }

  public void overlapDuplicate() {
    overlapDuplicates.increment();
  }

  /** A gap record of {@code lengthMillis} for this pair was handed to the Kafka buffer. */
  public void gapRecord(long lengthMillis) {
    gapRecords.increment();
    gapRecordMillis.add(lengthMillis);
  }

  /** Gap records (pieces of gaps) handed to the Kafka buffer. */
  public long gapRecords() {
    return gapRecords.sum();
  }

  /** The total length of those gap records, in milliseconds. */
  public long gapRecordMillis() {
    return gapRecordMillis.sum();
  }

  public long ticks() {
    return ticks.sum();
  }

  public long priceJumps() {
    return priceJumps.sum();
  }

  public long overlapDuplicates() {
    return overlapDuplicates.sum();
  }

  /** Wall-clock epoch ms of the last tick produced, or -1. */
  public long lastTickAtMillis() {
    return lastTickAtMillis;
  }

  public long lastUpdateId() {
    return lastUpdateId;
  }

  /** Rejects by reason code, sorted. */
  public Map<String, Long> rejects() {
    Map<String, Long> m = new TreeMap<>();
    rejects.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }

  public RateMeter rate() {
    return rate;
  }
}
