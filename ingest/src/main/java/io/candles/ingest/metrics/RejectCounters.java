package io.candles.ingest.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Rejects by reason for messages that cannot be tied to a configured pair (garbage, unknown pairs). */
public final class RejectCounters {
  private final ConcurrentHashMap<String, LongAdder> counts = new ConcurrentHashMap<>();

  public void increment(String reasonCode) {
    counts.computeIfAbsent(reasonCode, k -> new LongAdder()).increment();
  }

  /** By reason code, sorted. */
  public Map<String, Long> snapshot() {
    Map<String, Long> m = new TreeMap<>();
    counts.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }
}
