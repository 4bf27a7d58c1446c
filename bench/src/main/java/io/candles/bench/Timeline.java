package io.candles.bench;

import java.util.Comparator;
import java.util.List;

/**
 * The intervals of one source, sorted, for asking of many ticks' flights whether any interval
 * overlaps them: a binary search and a running maximum of ends instead of a scan per tick.
 */
final class Timeline {
  private final long[] starts;
  /** The latest end among the intervals up to and including index i. */
  private final long[] endsSoFar;

  Timeline(List<Interval> intervals) {
    List<Interval> sorted = intervals.stream().sorted(Comparator.comparingLong(Interval::start)).toList();
    starts = new long[sorted.size()];
    endsSoFar = new long[sorted.size()];
    long latest = Long.MIN_VALUE;
    for (int i = 0; i < sorted.size(); i++) {
      starts[i] = sorted.get(i).start();
      latest = Math.max(latest, sorted.get(i).end());
      endsSoFar[i] = latest;
    }
  }

  /** Whether some interval shares at least one instant with [from, to]. */
  boolean overlaps(long from, long to) {
    // The last interval starting at or before 'to'; among it and those before, one must end at or after 'from'.
    int lo = 0;
    int hi = starts.length - 1;
    int last = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (starts[mid] <= to) {
        last = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return last >= 0 && endsSoFar[last] >= from;
  }
}
