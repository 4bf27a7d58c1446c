package io.candles.bench;

import static org.junit.Assert.assertEquals;

import java.util.List;
import org.junit.Test;

public class PostgresLogTest {
  private final List<String> log = TailLogs.lines("postgres.log");

  private List<Interval> of(List<Interval> events, TailSource source) {
    return events.stream().filter(e -> e.source() == source).toList();
  }

  @Test
  public void aCheckpointFromItsStartingLineToItsCompleteLine() {
    List<Interval> checkpoints = of(PostgresLog.parse(log, Long.MAX_VALUE), TailSource.PG_CHECKPOINT);
    assertEquals(1, checkpoints.size());
    assertEquals(TailLogs.utc("2026-12-02T15:31:35.917Z"), checkpoints.get(0).start());
    assertEquals(TailLogs.utc("2026-12-02T15:31:35.942Z"), checkpoints.get(0).end());
  }

  @Test
  public void withoutItsStartingLineACheckpointStartsItsTotalBeforeItsEnd() {
    List<String> cut = log.stream().filter(l -> !l.contains("checkpoint starting")).toList();
    Interval checkpoint = of(PostgresLog.parse(cut, Long.MAX_VALUE), TailSource.PG_CHECKPOINT).get(0);
    // total=0.026 s
    assertEquals(TailLogs.utc("2026-12-02T15:31:35.942Z") - 26, checkpoint.start());
  }

  @Test
  public void aCheckpointStillRunningRunsUntilTheGivenTime() {
    List<String> cut = log.stream().filter(l -> !l.contains("checkpoint complete")).toList();
    Interval checkpoint = of(PostgresLog.parse(cut, TailLogs.utc("2026-12-02T15:45:00Z")),
        TailSource.PG_CHECKPOINT).get(0);
    assertEquals(TailLogs.utc("2026-12-02T15:31:35.917Z"), checkpoint.start());
    assertEquals(TailLogs.utc("2026-12-02T15:45:00Z"), checkpoint.end());
  }

  @Test
  public void everyAutovacuumRunEndsAtItsLineAndLastsItsElapsedTime() {
    List<Interval> runs = of(PostgresLog.parse(log, Long.MAX_VALUE), TailSource.AUTOVACUUM);
    assertEquals(4, runs.size());
    assertEquals("vacuum postgres.public.bench_latency_1796225385332_audit", runs.get(0).what());
    assertEquals(TailLogs.utc("2026-12-02T15:30:44.683Z"), runs.get(0).end());
    // elapsed: 0.01 s, on the eighth line of its report
    assertEquals(10, runs.get(0).millis());
    assertEquals("analyze postgres.public.bench_latency_1796225385332_audit", runs.get(1).what());
    assertEquals(TailLogs.utc("2026-12-02T15:30:44.747Z"), runs.get(1).end());
    assertEquals(60, runs.get(1).millis());
    assertEquals("vacuum postgres.public.bench_latency_1796225385332", runs.get(2).what());
    assertEquals(0, runs.get(2).millis());
    assertEquals("analyze postgres.public.bench_latency_1796225385332", runs.get(3).what());
  }

  @Test
  public void aZoneJavaDoesNotKnowIsAClearError() {
    try {
      PostgresLog.parse(List.of("2026-12-02 14:39:44.826 XYZT [15970] LOG:  checkpoint starting: time"), 0);
      org.junit.Assert.fail("parsed a time in an unknown zone");
    } catch (IllegalArgumentException e) {
      org.hamcrest.MatcherAssert.assertThat(e.getMessage(), org.hamcrest.Matchers.containsString("log_timezone=UTC"));
    }
  }
}
