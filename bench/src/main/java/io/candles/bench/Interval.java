package io.candles.bench;

/**
 * When one event of a tail source ran, in epoch milliseconds, both ends included; {@code what} names
 * it as its log does (e.g. "checkpoint 7", "GC(12) Pause Young (Normal) (G1 Evacuation Pause)").
 */
record Interval(TailSource source, long start, long end, String what) {

  Interval {
    if (end < start) {
      throw new IllegalArgumentException(what + " ends (" + end + ") before it starts (" + start + ")");
    }
  }

  long millis() {
    return end - start;
  }

  /** Whether it shares at least one instant with [from, to]. */
  boolean overlaps(long from, long to) {
    return start <= to && end >= from;
  }
}
