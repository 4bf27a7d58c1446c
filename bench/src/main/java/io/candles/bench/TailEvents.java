package io.candles.bench;

import java.util.List;
import java.util.Map;

/** How many events of one source overlapped a time window, and their total and longest duration. */
record TailEvents(TailSource source, int count, long totalMillis, long maxMillis) {

  static TailEvents in(TailSource source, List<Interval> intervals, long from, long to) {
    int count = 0;
    long total = 0;
    long max = 0;
    for (Interval iv : intervals) {
      if (iv.source() == source && iv.overlaps(from, to)) {
        count++;
        total += iv.millis();
        max = Math.max(max, iv.millis());
      }
    }
    return new TailEvents(source, count, total, max);
  }

  /** E.g. "9 Flink checkpoints (total 1,230 ms, max 310 ms)". */
  String describe() {
    return count == 0 ? "0 " + source.plural
        : String.format("%,d %s (total %,d ms, max %,d ms)", count, source.plural, totalMillis, maxMillis);
  }

  void putInto(Map<String, Object> result) {
    result.put(source.key + "Count", count);
    result.put(source.key + "MillisTotal", totalMillis);
    result.put(source.key + "MillisMax", maxMillis);
  }
}
