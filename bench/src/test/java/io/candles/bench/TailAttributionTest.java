package io.candles.bench;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;

public class TailAttributionTest {
  // Ten ticks sent 1 s apart from t = 0; their latencies in ms.
  private static final long[] LATENCY = {100, 100, 100, 500, 100, 900, 100, 700, 100, 300};
  private final TickFlights flights = flights(LATENCY);

  private static TickFlights flights(long[] latency) {
    long[] send = new long[latency.length];
    for (int i = 0; i < send.length; i++) {
      send[i] = i * 1000L;
    }
    return new TickFlights(send, latency.clone(), latency.length);
  }

  private final List<Interval> intervals = List.of(
      // Overlaps tick 3's flight [3000, 3500] only at its last instant.
      new Interval(TailSource.GC_PAUSE, 3500, 3520, "GC(1)"),
      // Inside tick 5's flight [5000, 5900]; tick 4's [4000, 4100] ends before it.
      new Interval(TailSource.FLINK_CHECKPOINT, 5200, 5300, "checkpoint 1"),
      new Interval(TailSource.GC_PAUSE, 5250, 5260, "GC(2)"),
      // Spans ticks 6 and 7 and the gap between them.
      new Interval(TailSource.PG_CHECKPOINT, 6050, 7050, "checkpoint starting: time"),
      // Ends just before tick 9 is sent.
      new Interval(TailSource.AUTOVACUUM, 8500, 8999, "vacuum t"));

  @Test
  public void slowTicksCountForEverySourceTheirFlightOverlaps() {
    // p50 of the ten is 100: slower than 200 are ticks 3, 5, 7 and 9.
    TailAttribution slow = TailAttribution.slowerThan(flights, 200, intervals, "slow");
    assertEquals(4, slow.ticks());
    assertEquals(10, slow.measured());
    assertEquals(2, (int) slow.during().get(TailSource.GC_PAUSE)); // ticks 3 and 5
    assertEquals(1, (int) slow.during().get(TailSource.FLINK_CHECKPOINT)); // tick 5
    assertEquals(1, (int) slow.during().get(TailSource.PG_CHECKPOINT)); // tick 7
    assertEquals(0, (int) slow.during().get(TailSource.AUTOVACUUM));
    assertEquals(1, slow.none()); // tick 9
    assertEquals(50, slow.percent(TailSource.GC_PAUSE));
    assertEquals(25, slow.nonePercent());
    assertEquals("4 of 10; during a Flink checkpoint 25 %, a GC pause 50 %, a PG checkpoint 25 %, "
        + "autovacuum 0 %, all cores busy 0 %, none 25 %", slow.shares());
  }

  @Test
  public void theSlowestShareIsExactlyThatManyTicks() {
    // 20 % of ten: ticks 5 (900 ms) and 7 (700 ms); the threshold is the faster of them.
    TailAttribution slowest = TailAttribution.slowest(flights, 0.2, intervals, "slowest");
    assertEquals(2, slowest.ticks());
    assertEquals(700, slowest.thresholdMillis());
    assertEquals(1, (int) slowest.during().get(TailSource.FLINK_CHECKPOINT));
    assertEquals(1, (int) slowest.during().get(TailSource.PG_CHECKPOINT));
    assertEquals(0, slowest.none());
    // 1 % of ten ticks is still one tick: the slowest.
    TailAttribution one = TailAttribution.slowest(flights, 0.01, intervals, "slowest 1 %");
    assertEquals(1, one.ticks());
    assertEquals(900, one.thresholdMillis());
  }

  @Test
  public void allTicksGiveTheChanceOverlap() {
    TailAttribution all = TailAttribution.all(flights, intervals);
    assertEquals(10, all.ticks());
    // Tick 6 [6000, 6100] is in the PG checkpoint too.
    assertEquals(2, (int) all.during().get(TailSource.PG_CHECKPOINT));
    assertEquals(6, all.none()); // ticks 0, 1, 2, 4, 8, 9
  }

  @Test
  public void noSlowTicksSayOnlyTheirCount() {
    TailAttribution none = TailAttribution.slowerThan(flights, 10_000, intervals, "slow");
    assertEquals(0, none.ticks());
    assertEquals("0 of 10", none.shares());
    assertEquals(0, none.nonePercent());
  }

  @Test
  public void theJsonKeysCarryTheFigures() {
    Map<String, Object> result = new HashMap<>();
    TailAttribution.slowerThan(flights, 200, intervals, "slow").putInto(result, "slow");
    assertEquals(200L, result.get("slowThresholdMillis"));
    assertEquals(4, result.get("slowTicks"));
    assertEquals(50, result.get("slowDuringGcPausePercent"));
    assertEquals(25, result.get("slowDuringFlinkCheckpointPercent"));
    assertEquals(25, result.get("slowDuringNonePercent"));
  }

  @Test
  public void eventsInAWindowCountThoseOverlappingIt() {
    TailEvents gc = TailEvents.in(TailSource.GC_PAUSE, intervals, 3510, 6000);
    assertEquals(2, gc.count());
    assertEquals(30, gc.totalMillis());
    assertEquals(20, gc.maxMillis());
    assertEquals("2 GC pauses (total 30 ms, max 20 ms)", gc.describe());
    assertEquals("0 autovacuum runs", TailEvents.in(TailSource.AUTOVACUUM, intervals, 9000, 9999).describe());
  }

  @Test
  public void aTimelineFindsAnOverlapHiddenBehindALaterStart() {
    // The long first interval still covers 500 though the one starting after it ends before.
    Timeline t = new Timeline(List.of(new Interval(TailSource.GC_PAUSE, 0, 1000, "a"),
        new Interval(TailSource.GC_PAUSE, 100, 200, "b")));
    assertTrue(t.overlaps(500, 600));
    assertFalse(t.overlaps(1001, 2000));
    assertFalse(new Timeline(List.of()).overlaps(0, Long.MAX_VALUE));
  }
}
