package io.candles.bench;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class PercentilesTest {
  @Test
  public void nearestRankOverTheFirstNValues() {
    long[] v = new long[200];
    for (int i = 0; i < 100; i++) {
      v[i] = 100 - i; // 100 .. 1, unsorted
    }
    v[150] = 1_000_000; // beyond n: ignored
    Percentiles p = Percentiles.of(v, 100);
    assertEquals(100, p.count());
    assertEquals(50, p.p50());
    assertEquals(95, p.p95());
    assertEquals(99, p.p99());
    assertEquals(100, p.max());
  }

  @Test
  public void anEmptySampleSaysSo() {
    assertEquals(-1, Percentiles.of(new long[0], 0).p50());
  }
}
