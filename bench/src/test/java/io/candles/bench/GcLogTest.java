package io.candles.bench;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Comparator;
import java.util.List;
import org.junit.Test;

public class GcLogTest {
  private final List<Interval> pauses = GcLog.parse(TailLogs.lines("pipeline-gc.log"));

  private Interval pause(String what) {
    return pauses.stream().filter(p -> p.what().equals(what)).findFirst()
        .orElseThrow(() -> new AssertionError("no pause " + what + " in " + pauses));
  }

  @Test
  public void everyPauseAndNothingElse() {
    // Young, Concurrent Start, Prepare Mixed, Remark, Cleanup and Full pauses, once each (their end
    // line); not their [gc,start] lines, the concurrent cycle nor the phase lines.
    assertEquals(70, pauses.size());
    assertTrue(pauses.stream().allMatch(p -> p.source() == TailSource.GC_PAUSE && p.what().contains(" Pause ")));
    assertEquals("no pause twice", pauses.size(), pauses.stream().map(Interval::what).distinct().count());
  }

  @Test
  public void aPauseEndsAtItsLineAndStartsItsDurationBefore() {
    Interval remark = pause("GC(7) Pause Remark 25M->25M(100M)");
    assertEquals(TailLogs.utc("2026-12-02T15:27:20.621Z"), remark.end());
    // 4.513 ms, rounded up.
    assertEquals(5, remark.millis());
    // Under a millisecond still counts as one.
    assertEquals(1, pause("GC(7) Pause Cleanup 25M->25M(100M)").millis());
  }

  @Test
  public void theLongestIsAnEvacuationPauseOfATenthOfASecond() {
    Interval longest = pauses.stream().max(Comparator.comparingLong(Interval::millis)).orElseThrow();
    assertEquals(111, longest.millis());
    assertEquals("GC(23) Pause Young (Normal) (G1 Evacuation Pause) 159M->52M(204M)", longest.what());
  }

  @Test
  public void aFullPauseCounts() {
    Interval full = pause("GC(11) Pause Full (System.gc()) 33M->27M(100M)");
    assertEquals(TailLogs.utc("2026-12-02T15:27:23.337Z") - 68, full.start());
  }
}
