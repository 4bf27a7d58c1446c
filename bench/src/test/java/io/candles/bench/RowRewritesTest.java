package io.candles.bench;

import static org.junit.Assert.assertEquals;

import java.util.HashMap;
import java.util.Map;
import org.junit.Test;

public class RowRewritesTest {

  private static CandleTable.LongList writes(long... seenAt) {
    CandleTable.LongList l = new CandleTable.LongList();
    long ticks = 0;
    for (long t : seenAt) {
      l.add(t);
      l.add(++ticks);
    }
    return l;
  }

  @Test
  public void intervalsAreBetweenWritesOfTheSameRowInsideTheWindow() {
    Map<String, CandleTable.LongList> audit = new HashMap<>();
    // Before the window (500) and after it (2000) do not count, nor the first write inside it.
    audit.put("A|0", writes(500, 1000, 1100, 1250, 2000));
    audit.put("B|0", writes(1010, 1160));
    Percentiles p = RowRewrites.intervals(audit, 1000, 2000);
    assertEquals(3, p.count());
    assertEquals(150, p.p50());
    assertEquals(150, p.max());
  }

  @Test
  public void aRowWrittenOnceHasNoInterval() {
    Map<String, CandleTable.LongList> audit = new HashMap<>();
    audit.put("A|0", writes(1000));
    assertEquals(0, RowRewrites.intervals(audit, 0, 2000).count());
  }
}
