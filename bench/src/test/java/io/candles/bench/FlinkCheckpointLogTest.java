package io.candles.bench;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

public class FlinkCheckpointLogTest {
  private final List<String> log = TailLogs.lines("pipeline-flink.log");

  @Test
  public void everyCompletedCheckpointFromItsTriggerToItsLogLine() {
    List<Interval> checkpoints = FlinkCheckpointLog.parse(log, Long.MAX_VALUE);
    assertEquals(10, checkpoints.size());
    Interval first = checkpoints.get(0);
    assertEquals("checkpoint 1", first.what());
    assertEquals(1796212863142L, first.start());
    // Trigger + checkpointDuration 2892 + finalizationTime 8: the time of its "Completed" line, 12:01:06.042.
    assertEquals(TailLogs.utc("2026-12-02T12:01:06.042Z"), first.end());
    assertEquals(TailLogs.utc("2026-12-02T12:02:33.191Z"), checkpoints.get(9).end());
  }

  @Test
  public void aCheckpointNotCompletedRunsUntilTheGivenTime() {
    List<String> cut = new ArrayList<>(log);
    cut.removeIf(line -> line.contains("Completed checkpoint 10 "));
    List<Interval> checkpoints = FlinkCheckpointLog.parse(cut, 1796212999000L);
    Interval last = checkpoints.get(checkpoints.size() - 1);
    assertEquals("checkpoint 10 (not completed)", last.what());
    assertEquals(1796212953140L, last.start());
    assertEquals(1796212999000L, last.end());
  }

  @Test
  public void aCompletionWithoutItsTriggerIsSkipped() {
    List<String> cut = new ArrayList<>(log);
    cut.removeIf(line -> line.contains("Triggering checkpoint 3 "));
    List<Interval> checkpoints = FlinkCheckpointLog.parse(cut, Long.MAX_VALUE);
    assertEquals(9, checkpoints.size());
    assertTrue(checkpoints.stream().noneMatch(c -> c.what().equals("checkpoint 3")));
  }
}
