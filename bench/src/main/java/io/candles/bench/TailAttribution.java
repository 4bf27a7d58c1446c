package io.candles.bench;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Of a set of ticks (the slow ones, or all for comparison), how many were in flight (from send to
 * visible in the table) during an event of each tail source, and how many during none. A tick may
 * count for several sources. Overlap is a hint, not proof: a source that is always running
 * overlaps every tick, which is why the share of all ticks is reported beside the slow ones'.
 */
record TailAttribution(String label, long thresholdMillis, int ticks, int measured,
    Map<TailSource, Integer> during, int none) {

  /** The ticks slower than {@code thresholdMillis}. */
  static TailAttribution slowerThan(TickFlights flights, long thresholdMillis, List<Interval> intervals,
      String label) {
    List<Integer> slow = new ArrayList<>();
    for (int i = 0; i < flights.n(); i++) {
      if (flights.latency()[i] > thresholdMillis) {
        slow.add(i);
      }
    }
    return of(label, thresholdMillis, flights, slow, intervals);
  }

  /**
   * The slowest {@code fraction} of the ticks (at least one if there are any), exactly that many:
   * ties at the boundary are taken in send order. Its threshold is the fastest of them.
   */
  static TailAttribution slowest(TickFlights flights, double fraction, List<Interval> intervals, String label) {
    int k = flights.n() == 0 ? 0 : Math.max(1, (int) Math.ceil(flights.n() * fraction));
    List<Integer> order = new ArrayList<>(flights.n());
    for (int i = 0; i < flights.n(); i++) {
      order.add(i);
    }
    long[] latency = flights.latency();
    // Stable: among equal latencies the earlier-sent tick comes first.
    order.sort((a, b) -> Long.compare(latency[b], latency[a]));
    List<Integer> slow = order.subList(0, k);
    long threshold = k == 0 ? -1 : latency[slow.get(k - 1)];
    return of(label, threshold, flights, slow, intervals);
  }

  /** Every measured tick: how often a source overlaps a flight by chance. */
  static TailAttribution all(TickFlights flights, List<Interval> intervals) {
    return slowerThan(flights, Long.MIN_VALUE, intervals, "all ticks");
  }

  private static TailAttribution of(String label, long threshold, TickFlights flights, List<Integer> ticks,
      List<Interval> intervals) {
    Map<TailSource, Timeline> timelines = new EnumMap<>(TailSource.class);
    for (TailSource source : TailSource.values()) {
      timelines.put(source, new Timeline(intervals.stream().filter(iv -> iv.source() == source).toList()));
    }
    Map<TailSource, Integer> during = new EnumMap<>(TailSource.class);
    for (TailSource source : TailSource.values()) {
      during.put(source, 0);
    }
    int none = 0;
    for (int i : ticks) {
      long from = flights.sendTime()[i];
      long to = flights.seen(i);
      boolean any = false;
      for (TailSource source : TailSource.values()) {
        if (timelines.get(source).overlaps(from, to)) {
          during.merge(source, 1, Integer::sum);
          any = true;
        }
      }
      if (!any) {
        none++;
      }
    }
    return new TailAttribution(label, threshold, ticks.size(), flights.n(), during, none);
  }

  /** Whole percent of these ticks during the source. */
  int percent(TailSource source) {
    return percentOf(during.get(source));
  }

  int nonePercent() {
    return percentOf(none);
  }

  private int percentOf(int count) {
    return ticks == 0 ? 0 : (int) Math.round(100.0 * count / ticks);
  }

  /** E.g. "812 of 480,000; during a Flink checkpoint 71 %, a GC pause 12 %, ..., none 24 %". */
  String shares() {
    StringBuilder text = new StringBuilder(String.format("%,d of %,d", ticks, measured));
    if (ticks == 0) {
      return text.toString();
    }
    text.append("; during");
    for (TailSource source : TailSource.values()) {
      text.append(' ').append(source.during).append(' ').append(percent(source)).append(" %,");
    }
    return text.append(" none ").append(nonePercent()).append(" %").toString();
  }

  /** Its figures into the result JSON, each key starting with {@code prefix}. */
  void putInto(Map<String, Object> result, String prefix) {
    if (thresholdMillis != Long.MIN_VALUE) {
      result.put(prefix + "ThresholdMillis", thresholdMillis);
    }
    result.put(prefix + "Ticks", ticks);
    for (TailSource source : TailSource.values()) {
      result.put(prefix + "During" + capitalized(source.key) + "Percent", percent(source));
    }
    result.put(prefix + "DuringNonePercent", nonePercent());
  }

  private static String capitalized(String key) {
    return Character.toUpperCase(key.charAt(0)) + key.substring(1);
  }
}
