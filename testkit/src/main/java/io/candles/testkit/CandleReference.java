package io.candles.testkit;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The contract's candles computed the plain way, independent of the pipeline's classes: each tick
 * joins the windows starting at {@code floor(t, period) - k * period}; open and close are the first
 * and last tick by (event time, partition, offset); high and low the extremes of the exact mids.
 */
public final class CandleReference {
  public static final long MINUTE = 60_000L;
  public static final long FIVE_MINUTES = 5 * MINUTE;

  private CandleReference() {}

  /** Five-minute candles every minute, all final. */
  public static List<CandleTable.Row> candles(List<TickStream.Sent> ticks) {
    return candles(ticks, FIVE_MINUTES, MINUTE);
  }

  /** Candles of {@code size} every {@code period}, all final, ordered by pair and open time. */
  public static List<CandleTable.Row> candles(List<TickStream.Sent> ticks, long size, long period) {
    Map<String, List<TickStream.Sent>> byWindow = new TreeMap<>();
    for (TickStream.Sent s : ticks) {
      long first = Math.floorDiv(s.eventTime(), period) * period;
      for (long open = first; open > first - size; open -= period) {
        byWindow.computeIfAbsent(s.pair() + "|" + String.format("%020d", open), x -> new ArrayList<>()).add(s);
      }
    }
    List<CandleTable.Row> rows = new ArrayList<>();
    for (Map.Entry<String, List<TickStream.Sent>> e : byWindow.entrySet()) {
      List<TickStream.Sent> w = new ArrayList<>(e.getValue());
      w.sort((a, b) -> a.eventTime() != b.eventTime() ? Long.compare(a.eventTime(), b.eventTime())
          : a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition())
          : Long.compare(a.offset(), b.offset()));
      long open = Long.parseLong(e.getKey().substring(e.getKey().indexOf('|') + 1));
      BigDecimal high = w.stream().map(TickStream.Sent::mid).max(BigDecimal::compareTo).orElseThrow();
      BigDecimal low = w.stream().map(TickStream.Sent::mid).min(BigDecimal::compareTo).orElseThrow();
      rows.add(new CandleTable.Row(w.get(0).pair(), open, open + size, CandleTable.norm(w.get(0).mid()),
          CandleTable.norm(high), CandleTable.norm(low), CandleTable.norm(w.get(w.size() - 1).mid()), w.size(),
          w.get(w.size() - 1).eventTime(), true, quality(w, open)));
    }
    return rows;
  }

  /**
   * The quality columns of the ticks, in contract order, of the window opening at {@code open}; no
   * gaps (plain tick streams).
   */
  static CandleTable.Quality quality(List<TickStream.Sent> w, long open) {
    TickStream.Sent first = w.get(0);
    TickStream.Sent last = w.get(w.size() - 1);
    List<BigDecimal> spreads = w.stream().map(t -> t.ask().subtract(t.bid())).toList();
    BigDecimal mean = spreads.stream().reduce(BigDecimal.ZERO, BigDecimal::add)
        .divide(BigDecimal.valueOf(w.size()), 12, RoundingMode.HALF_EVEN);
    return new CandleTable.Quality(
        CandleTable.norm(first.bid()), CandleTable.norm(max(w, TickStream.Sent::bid)),
        CandleTable.norm(min(w, TickStream.Sent::bid)), CandleTable.norm(last.bid()),
        CandleTable.norm(first.ask()), CandleTable.norm(max(w, TickStream.Sent::ask)),
        CandleTable.norm(min(w, TickStream.Sent::ask)), CandleTable.norm(last.ask()),
        CandleTable.norm(spreads.stream().min(BigDecimal::compareTo).orElseThrow()),
        CandleTable.norm(spreads.stream().max(BigDecimal::compareTo).orElseThrow()),
        CandleTable.norm(mean), timeWeightedSpread(w, open), 0, 0);
  }

  /**
   * Each tick that says which spread held before it, and since when, weighs that spread by how long
   * it held inside the window: from then, or the window start if later, to the tick. Null when no
   * tick says.
   */
  static BigDecimal timeWeightedSpread(List<TickStream.Sent> w, long open) {
    BigDecimal sum = BigDecimal.ZERO;
    long millis = 0;
    for (TickStream.Sent t : w) {
      if (t.prevSpread() != null && t.prevEventTime() <= t.eventTime()) {
        long held = t.eventTime() - Math.max(t.prevEventTime(), open);
        sum = sum.add(t.prevSpread().multiply(BigDecimal.valueOf(held)));
        millis += held;
      }
    }
    return millis == 0 ? null
        : CandleTable.norm(sum.divide(BigDecimal.valueOf(millis), 12, RoundingMode.HALF_EVEN));
  }

  private static BigDecimal max(List<TickStream.Sent> w, Function<TickStream.Sent, BigDecimal> f) {
    return w.stream().map(f).max(BigDecimal::compareTo).orElseThrow();
  }

  private static BigDecimal min(List<TickStream.Sent> w, Function<TickStream.Sent, BigDecimal> f) {
    return w.stream().map(f).min(BigDecimal::compareTo).orElseThrow();
  }

  /**
   * The rows with the feed gaps of their pair marked: per row, the union of the gaps
   * ({@code [start, end)} in epoch millis) clipped to its window, its length and number of runs,
   * counted millisecond by millisecond.
   */
  public static List<CandleTable.Row> withGaps(List<CandleTable.Row> rows, Map<String, List<long[]>> gaps) {
    List<CandleTable.Row> out = new ArrayList<>();
    for (CandleTable.Row r : rows) {
      boolean[] covered = new boolean[(int) (r.closeTime() - r.openTime())];
      for (long[] g : gaps.getOrDefault(r.pair(), List.of())) {
        for (long t = Math.max(g[0], r.openTime()); t < Math.min(g[1], r.closeTime()); t++) {
          covered[(int) (t - r.openTime())] = true;
        }
      }
      long millis = 0;
      int runs = 0;
      for (int k = 0; k < covered.length; k++) {
        millis += covered[k] ? 1 : 0;
        runs += covered[k] && (k == 0 || !covered[k - 1]) ? 1 : 0;
      }
      CandleTable.Quality q = r.quality();
      out.add(new CandleTable.Row(r.pair(), r.openTime(), r.closeTime(), r.open(), r.high(), r.low(), r.close(),
          r.count(), r.lastEventTime(), r.isFinal(), new CandleTable.Quality(q.bidOpen(), q.bidHigh(), q.bidLow(),
              q.bidClose(), q.askOpen(), q.askHigh(), q.askLow(), q.askClose(), q.spreadMin(), q.spreadMax(),
              q.spreadMean(), q.spreadTwa(), millis, runs)));
    }
    return out;
  }

  /**
   * The rows as the table should have them at {@code time}: final when the window ended by then,
   * else open (the same values: every tick so far is in an early candle).
   */
  public static List<CandleTable.Row> asOf(List<CandleTable.Row> rows, long time) {
    return rows.stream().map(r -> finalOnlyBy(r, time)).toList();
  }

  /**
   * A table row seen as of {@code time}: a window that ended after it may already be final (the
   * watermark moves on while a test looks), so it is compared as open.
   */
  public static CandleTable.Row finalOnlyBy(CandleTable.Row r, long time) {
    return r.closeTime() <= time ? r : r.withFinal(false);
  }

  /** Only the rows of windows that end by {@code time}. */
  public static List<CandleTable.Row> endingBy(List<CandleTable.Row> rows, long time) {
    return rows.stream().filter(r -> r.closeTime() <= time).toList();
  }
}
