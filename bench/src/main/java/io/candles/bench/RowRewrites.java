package io.candles.bench;

import java.util.Map;

/**
 * How often the pipeline rewrote each candle row: the time between consecutive writes of the same
 * row, from the table's audit log, over the rows written in the measured window.
 *
 * <p>Why it is reported: at light load a tick waits for its row's next write, and the writes come
 * in bursts, one per bundle of the runner (every open window of every pair once). So the interval
 * between a row's writes is the bundle's real length, which the runner's setting does not give
 * exactly (Beam's Flink runner checks a bundle's age at half its time cap), and the flat part of
 * every latency figure.
 */
final class RowRewrites {
  private RowRewrites() {}

  /**
   * The intervals (ms) between consecutive writes of the same row, for each write seen within
   * {@code [from, to)} whose row was written before, also within it.
   *
   * @param audit "pair|openTime" -> seenAt, tickCount, seenAt, ... in time order, as
   *     {@link CandleTable#audit} gives it
   */
  static Percentiles intervals(Map<String, CandleTable.LongList> audit, long from, long to) {
    int total = 0;
    for (CandleTable.LongList l : audit.values()) {
      total += l.size / 2;
    }
    long[] gaps = new long[total];
    int n = 0;
    for (CandleTable.LongList l : audit.values()) {
      long previous = Long.MIN_VALUE;
      for (int j = 0; j < l.size; j += 2) {
        long seen = l.a[j];
        if (seen >= from && seen < to && previous != Long.MIN_VALUE) {
          gaps[n++] = seen - previous;
        }
        if (seen >= from) {
          previous = seen;
        }
      }
    }
    return Percentiles.of(gaps, n);
  }
}
