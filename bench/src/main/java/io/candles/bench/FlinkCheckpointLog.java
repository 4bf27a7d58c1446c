package io.candles.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Flink checkpoints from the CheckpointCoordinator's INFO lines (Flink 1.19), in any log layout:
 * "Triggering checkpoint N (type=...) @ TRIGGER_MILLIS for job J." and "Completed checkpoint N for
 * job J (B bytes, checkpointDuration=D ms, finalizationTime=F ms).", where D is the completion time
 * minus the trigger time and F the time from completion to the log line. A checkpoint runs from its
 * trigger to D + F later. One triggered but never completed (declined, expired, or still running as
 * the log ends) is taken as running until {@code openUntil}.
 */
final class FlinkCheckpointLog {
  private static final Pattern TRIGGERED = Pattern.compile(
      "Triggering checkpoint (\\d+) \\(type=.*\\) @ (\\d+) for job (\\w+)\\.");
  private static final Pattern COMPLETED = Pattern.compile(
      "Completed checkpoint (\\d+) for job (\\w+) \\(\\d+ bytes, checkpointDuration=(\\d+) ms, finalizationTime=(\\d+) ms\\)");

  private FlinkCheckpointLog() {
  }

  static List<Interval> parse(List<String> lines, long openUntil) {
    Map<String, Long> triggered = new LinkedHashMap<>();
    List<Interval> checkpoints = new ArrayList<>();
    for (String line : lines) {
      Matcher t = TRIGGERED.matcher(line);
      if (t.find()) {
        triggered.put(t.group(3) + "/" + t.group(1), Long.parseLong(t.group(2)));
        continue;
      }
      Matcher c = COMPLETED.matcher(line);
      if (c.find()) {
        // Without its trigger line there is no wall-clock time to place it at.
        Long start = triggered.remove(c.group(2) + "/" + c.group(1));
        if (start != null) {
          long end = start + Long.parseLong(c.group(3)) + Long.parseLong(c.group(4));
          checkpoints.add(new Interval(TailSource.FLINK_CHECKPOINT, start, end, "checkpoint " + c.group(1)));
        }
      }
    }
    triggered.forEach((key, start) -> checkpoints.add(new Interval(TailSource.FLINK_CHECKPOINT, start,
        Math.max(start, openUntil), "checkpoint " + key.substring(key.indexOf('/') + 1) + " (not completed)")));
    return checkpoints;
  }
}
