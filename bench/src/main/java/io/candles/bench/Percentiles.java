package io.candles.bench;

import java.util.Arrays;

/** Nearest-rank percentiles of a sample. */
record Percentiles(long count, long p50, long p95, long p99, long max) {

  static Percentiles of(long[] values, int n) {
    if (n == 0) {
      return new Percentiles(0, -1, -1, -1, -1);
    }
    long[] v = Arrays.copyOf(values, n);
    Arrays.sort(v);
    return new Percentiles(n, rank(v, 50), rank(v, 95), rank(v, 99), v[n - 1]);
  }

  private static long rank(long[] sorted, int percent) {
    int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
