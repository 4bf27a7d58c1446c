package io.candles.bench;

import java.util.List;
import java.util.Map;

/**
 * After a latency run: which tail sources were running while the slow ticks were in flight (those
 * slower than twice the median, and the slowest 1 %), beside the same for all ticks, and the events
 * of each source in the measured window; printed and put into the result JSON.
 */
final class TailReport {
  private TailReport() {
  }

  static String explain(TickFlights flights, long measuredFrom, TailEvidence evidence, Map<String, Object> result) {
    Percentiles p = flights.percentiles();
    List<Interval> intervals = evidence.intervals();
    long windowEnd = measuredFrom;
    for (int i = 0; i < flights.n(); i++) {
      windowEnd = Math.max(windowEnd, flights.seen(i));
    }
    TailAttribution slow = TailAttribution.slowerThan(flights, 2 * p.p50(), intervals, "slow");
    TailAttribution slowest = TailAttribution.slowest(flights, 0.01, intervals, "slowest 1 %");
    TailAttribution all = TailAttribution.all(flights, intervals);
    slow.putInto(result, "slow");
    slowest.putInto(result, "slowest1pc");
    all.putInto(result, "all");
    StringBuilder events = new StringBuilder();
    for (TailSource source : TailSource.values()) {
      TailEvents e = TailEvents.in(source, intervals, measuredFrom, windowEnd);
      e.putInto(result);
      events.append(events.length() == 0 ? "" : ", ").append(e.describe());
    }
    result.put("tailLogsMissing", String.join("; ", evidence.missing()));
    StringBuilder text = new StringBuilder();
    text.append(String.format("  slow ticks (> 2x p50 = %,d ms): %s%n", 2 * p.p50(), slow.shares()));
    text.append(String.format("  slowest 1 %% (>= %,d ms): %s%n", slowest.thresholdMillis(), slowest.shares()));
    text.append(String.format("  all ticks, for comparison: %s%n", all.shares()));
    text.append(String.format("  in the measured window (%.1f s): %s%n", (windowEnd - measuredFrom) / 1000.0, events));
    if (!evidence.missing().isEmpty()) {
      text.append("  not known (no log): ").append(String.join("; ", evidence.missing())).append('\n');
    }
    return text.toString();
  }
}
