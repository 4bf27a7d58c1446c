package io.candles.pipeline;

import static org.junit.Assert.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.beam.sdk.testing.CoderProperties;
import org.junit.Test;

public class OhlcCombineFnTest {

  private final OhlcCombineFn fn = new OhlcCombineFn();

  /** A quote whose bid and ask are {@code mid/2 -+ spread} in 10^-8 units (so its mid is {@code mid * 5}). */
  private static Quote q(long time, long bid, long ask, int partition, long offset) {
    return new Quote(time, time + 7, bid, ask, partition, offset);
  }

  /** A quote with a one-unit spread around {@code price}. */
  private static Quote q(long time, long price, int partition, long offset) {
    return q(time, price, price + 1, partition, offset);
  }

  private Ohlc combine(List<Quote> quotes) {
    OhlcCombineFn.Accumulator acc = fn.createAccumulator();
    for (Quote q : quotes) {
      acc = fn.addInput(acc, q);
    }
    return fn.extractOutput(acc);
  }

  private static Bar midBar(Ohlc o) {
    return o.mid();
  }

  /** The mid bar of quotes made by {@link #q(long, long, int, long)}: mid = price * 10 + 5 units. */
  private static Bar mids(long open, long high, long low, long close) {
    return new Bar(open * 10 + 5, high * 10 + 5, low * 10 + 5, close * 10 + 5);
  }

  @Test
  public void tiesOnEventTimeAreBrokenByKafkaOffset() {
    // Three ticks at the same millisecond: the lowest offset opens, the highest closes,
    // whatever order they are added in.
    List<Quote> quotes = List.of(q(1000, 20, 0, 11), q(1000, 10, 0, 10), q(1000, 30, 0, 12));
    Ohlc expected = reference(quotes);
    assertEquals(mids(10, 30, 10, 30), expected.mid());
    for (List<Quote> order : permutations(quotes)) {
      assertEquals(order.toString(), expected, combine(order));
    }
  }

  @Test
  public void tiesAcrossPartitionsAreBrokenByPartitionThenOffset() {
    List<Quote> quotes = List.of(q(5, 7, 1, 0), q(5, 9, 0, 3));
    assertEquals(mids(9, 9, 7, 7), combine(quotes).mid());
  }

  @Test
  public void ticksAddedOutOfOrderGiveOpenAndCloseByEventTime() {
    List<Quote> quotes = List.of(
        q(3000, 103, 0, 1), q(1000, 101, 0, 2), q(5000, 99, 0, 3), q(2000, 110, 0, 4), q(4000, 104, 0, 0));
    Ohlc o = combine(quotes);
    assertEquals(mids(101, 110, 99, 99), o.mid());
    assertEquals(5, o.tickCount());
    assertEquals(5000, o.lastEventTimeMillis());
    assertEquals(5007, o.lastIngestTimeMillis());
  }

  @Test
  public void bidAskAndSpreadHaveTheirOwnExtremes() {
    // The highest mid is neither the highest bid nor the highest ask: each series is its own.
    List<Quote> quotes = List.of(q(1, 100, 110, 0, 0), q(2, 104, 105, 0, 1), q(3, 90, 120, 0, 2), q(4, 101, 102, 0, 3));
    Ohlc o = combine(quotes);
    assertEquals(new Bar(100, 104, 90, 101), o.bid());
    assertEquals(new Bar(110, 120, 102, 102), o.ask());
    assertEquals(new Bar(1050, 1050, 1015, 1015), o.mid());
    assertEquals(1, o.spreadMin());
    assertEquals(30, o.spreadMax());
    assertEquals(10 + 1 + 30 + 1, o.spreadSum());
    assertEquals(new java.math.BigDecimal("0.000000105"), o.spreadMean());
  }

  @Test
  public void anEmptyAccumulatorMergesAsNothing() {
    OhlcCombineFn.Accumulator one = fn.addInput(fn.createAccumulator(), q(1, 5, 0, 0));
    OhlcCombineFn.Accumulator merged =
        fn.mergeAccumulators(List.of(fn.createAccumulator(), one, fn.createAccumulator()));
    assertEquals(reference(List.of(q(1, 5, 0, 0))), fn.extractOutput(merged));
    assertEquals(0, fn.extractOutput(fn.mergeAccumulators(List.of())).tickCount());
  }

  @Test
  public void gapsAreTheirUnionWhateverTheirPieces() {
    OhlcCombineFn.Accumulator a = fn.createAccumulator();
    a.addGap(100, 200);
    a.addGap(300, 400);
    a.addGap(200, 250); // touches the first: one gap
    a.addGap(350, 380); // inside the second: nothing new
    a.addGap(500, 500); // empty: nothing
    Ohlc o = fn.extractOutput(a);
    assertEquals(150 + 100, o.gapMillis());
    assertEquals(2, o.gapCount());
    a.addGap(90, 450); // covers both: one gap
    assertEquals(360, fn.extractOutput(a).gapMillis());
    assertEquals(1, fn.extractOutput(a).gapCount());
  }

  /** Any split into groups, merged in any order and nesting, gives the one sequential answer. */
  @Test
  public void mergesInEveryOrderAndGroupingGiveOneAnswer() {
    SplittableRandom random = new SplittableRandom(42);
    for (int round = 0; round < 300; round++) {
      List<Quote> quotes = new ArrayList<>();
      int n = 1 + random.nextInt(40);
      for (int i = 0; i < n; i++) {
        // Few distinct times, so ties are common; offsets are unique per partition.
        long bid = 1 + random.nextInt(1000);
        quotes.add(q(random.nextInt(5), bid, bid + random.nextInt(20), random.nextInt(2), i));
      }
      List<long[]> gaps = new ArrayList<>();
      for (int g = random.nextInt(4); g > 0; g--) {
        long start = random.nextInt(60);
        gaps.add(new long[] {start, start + random.nextInt(15)});
      }
      Ohlc expected = reference(quotes, gaps);

      Collections.shuffle(quotes, new java.util.Random(random.nextLong()));
      List<OhlcCombineFn.Accumulator> parts = new ArrayList<>();
      int i = 0;
      while (i < quotes.size()) {
        int size = 1 + random.nextInt(5);
        parts.add(accumulate(quotes.subList(i, Math.min(quotes.size(), i + size))));
        i += size;
      }
      for (long[] g : gaps) {
        // A gap may come in pieces, and a piece may come twice.
        long cut = g[0] + (g[1] > g[0] ? random.nextLong(g[1] - g[0]) : 0);
        OhlcCombineFn.Accumulator left = fn.createAccumulator();
        left.addGap(g[0], cut);
        OhlcCombineFn.Accumulator right = fn.createAccumulator();
        right.addGap(cut, g[1]);
        parts.add(left);
        parts.add(right);
        if (random.nextBoolean()) {
          OhlcCombineFn.Accumulator again = fn.createAccumulator();
          again.addGap(g[0], cut);
          parts.add(again);
        }
      }
      // Merge random pairs until one accumulator is left: every nesting is possible.
      while (parts.size() > 1) {
        OhlcCombineFn.Accumulator a = parts.remove(random.nextInt(parts.size()));
        OhlcCombineFn.Accumulator b = parts.remove(random.nextInt(parts.size()));
        parts.add(fn.mergeAccumulators(random.nextBoolean() ? List.of(a, b) : List.of(b, a)));
      }
      assertEquals("round " + round, expected, fn.extractOutput(parts.get(0)));
    }
  }

  @Test
  public void beamsCombineFnTesterAgrees() {
    List<Quote> quotes = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      quotes.add(q(i % 7, 100 + (i * 37) % 11, 112 + (i * 13) % 5, 0, i));
    }
    org.apache.beam.sdk.testing.CombineFnTester.testCombineFn(fn, quotes, reference(quotes));
  }

  @Test
  public void accumulatorCoderRoundTripsAndIsDeterministic() throws Exception {
    OhlcCombineFn.AccumulatorCoder coder = OhlcCombineFn.AccumulatorCoder.of();
    coder.verifyDeterministic();
    CoderProperties.coderDecodeEncodeEqual(coder, fn.createAccumulator());
    OhlcCombineFn.Accumulator acc = accumulate(List.of(
        q(1_700_000_000_000L, 5_800_015_000_000L, 5_800_016_000_000L, 3, 123_456_789L),
        q(1_700_000_000_001L, 1, 2, 0, 0)));
    CoderProperties.coderDecodeEncodeEqual(coder, acc);
    CoderProperties.coderDeterministic(coder, acc, accumulate(List.of(q(1_700_000_000_001L, 1, 2, 0, 0),
        q(1_700_000_000_000L, 5_800_015_000_000L, 5_800_016_000_000L, 3, 123_456_789L))));
    OhlcCombineFn.Accumulator gaps = fn.createAccumulator();
    gaps.addGap(1_700_000_000_000L, 1_700_000_040_000L);
    CoderProperties.coderDecodeEncodeEqual(coder, gaps);
    acc.addGap(1_700_000_050_000L, 1_700_000_051_000L);
    CoderProperties.coderDecodeEncodeEqual(coder, acc);
    // A spread held across a slice boundary, large enough that its sum needs more than a long.
    acc.addSpreadTime(new Quote(1_700_000_070_000L, 1, 2, 3, 0, 1, 800_000_000_000_000_000L, 1_700_000_010_000L),
        60_000, 1_699_999_800_000L);
    CoderProperties.coderDecodeEncodeEqual(coder, acc);
  }

  @Test
  public void outputAndQuoteCodersRoundTrip() throws Exception {
    Ohlc o = reference(List.of(q(1_634_237_640_123L, 3, 9, 0, 0), q(1_634_237_640_124L, 1, 2, 1, 5)),
        List.<long[]>of(new long[] {1_634_237_600_000L, 1_634_237_610_000L}));
    CoderProperties.coderDecodeEncodeEqual(Ohlc.Coder.of(), o);
    CoderProperties.coderDecodeEncodeEqual(Quote.Coder.of(), q(-5, 1, Long.MAX_VALUE / 2, 7, 0));
    CoderProperties.coderDecodeEncodeEqual(Quote.Coder.of(), new Quote(1000, 999, 5, 6, 0, 1));
    CoderProperties.coderDecodeEncodeEqual(Quote.Coder.of(), new Quote(1000, 900, 5, 6, 0, 1));
    CoderProperties.coderDecodeEncodeEqual(Quote.Coder.of(),
        new Quote(1000, io.candles.contract.Tick.NO_TIME, 5, 6, 0, 1));
    CoderProperties.coderDecodeEncodeEqual(Quote.Coder.of(), new Quote(1000, 900, 5, 6, 0, 1, 0, 1000));
    CoderProperties.coderDecodeEncodeEqual(Quote.Coder.of(), new Quote(1000, 900, 5, 6, 0, 1, 7, -5000));
    CoderProperties.coderDecodeEncodeEqual(Candle.Coder.of(), new Candle("BTCUSDT", 60_000, 360_000, o, true));
    OhlcCombineFn.Accumulator held = new OhlcCombineFn.Accumulator();
    held.addSpreadTime(new Quote(130_000, 1, 2, 3, 0, 1, 9, 50_000), 60_000, 0);
    Ohlc withSpreadTime = new Ohlc(o.mid(), o.bid(), o.ask(), o.spreadMin(), o.spreadMax(), o.spreadSum(),
        o.tickCount(), o.lastEventTimeMillis(), o.lastIngestTimeMillis(), o.gapMillis(), o.gapCount(),
        SpreadTime.of(held.spreadTime));
    CoderProperties.coderDecodeEncodeEqual(Ohlc.Coder.of(), withSpreadTime);
    // 9 units held 10 s in the first slice, 60 s in the second, 10 s in the third.
    org.junit.Assert.assertEquals(new java.math.BigDecimal("0.00000009"), withSpreadTime.spreadTimeWeightedMean(0));
    org.junit.Assert.assertEquals(new java.math.BigDecimal("0.00000009"),
        withSpreadTime.spreadTimeWeightedMean(120_000));
    org.junit.Assert.assertNull("nothing held from the third slice's end", withSpreadTime.spreadTimeWeightedMean(180_000));
    CoderProperties.coderDecodeEncodeEqual(GapCoder.of(),
        new io.candles.contract.Gap("BTCUSDT", 1000, 41_000, io.candles.contract.GapCause.RECONNECT));
  }

  private OhlcCombineFn.Accumulator accumulate(List<Quote> quotes) {
    OhlcCombineFn.Accumulator acc = fn.createAccumulator();
    for (Quote q : quotes) {
      acc = fn.addInput(acc, q);
    }
    return acc;
  }

  private static Ohlc reference(List<Quote> quotes) {
    return reference(quotes, List.of());
  }

  /**
   * Sort-based reference, independent of the accumulator's incremental logic; gaps by marking
   * every covered millisecond and counting the runs.
   */
  private static Ohlc reference(List<Quote> quotes, List<long[]> gaps) {
    List<Quote> sorted = new ArrayList<>(quotes);
    sorted.sort((a, b) -> a.eventTimeMillis() != b.eventTimeMillis()
        ? Long.compare(a.eventTimeMillis(), b.eventTimeMillis())
        : a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition())
        : Long.compare(a.offset(), b.offset()));
    Quote first = sorted.get(0);
    Quote last = sorted.get(sorted.size() - 1);
    long min = gaps.stream().mapToLong(g -> g[0]).min().orElse(0);
    long max = gaps.stream().mapToLong(g -> g[1]).max().orElse(0);
    boolean[] covered = new boolean[(int) (max - min) + 1];
    for (long[] g : gaps) {
      for (long t = g[0]; t < g[1]; t++) {
        covered[(int) (t - min)] = true;
      }
    }
    long gapMillis = 0;
    int runs = 0;
    for (int k = 0; k < covered.length; k++) {
      gapMillis += covered[k] ? 1 : 0;
      runs += covered[k] && (k == 0 || !covered[k - 1]) ? 1 : 0;
    }
    return new Ohlc(
        new Bar(first.mid(), sorted.stream().mapToLong(Quote::mid).max().getAsLong(),
            sorted.stream().mapToLong(Quote::mid).min().getAsLong(), last.mid()),
        new Bar(first.bid(), sorted.stream().mapToLong(Quote::bid).max().getAsLong(),
            sorted.stream().mapToLong(Quote::bid).min().getAsLong(), last.bid()),
        new Bar(first.ask(), sorted.stream().mapToLong(Quote::ask).max().getAsLong(),
            sorted.stream().mapToLong(Quote::ask).min().getAsLong(), last.ask()),
        sorted.stream().mapToLong(Quote::spread).min().getAsLong(),
        sorted.stream().mapToLong(Quote::spread).max().getAsLong(),
        sorted.stream().mapToLong(Quote::spread).sum(),
        sorted.size(), last.eventTimeMillis(), last.ingestTimeMillis(), gapMillis, runs);
  }

  private static <T> List<List<T>> permutations(List<T> items) {
    if (items.size() <= 1) {
      return List.of(items);
    }
    List<List<T>> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      List<T> rest = new ArrayList<>(items);
      T head = rest.remove(i);
      for (List<T> p : permutations(rest)) {
        List<T> l = new ArrayList<>();
        l.add(head);
        l.addAll(p);
        out.add(l);
      }
    }
    return out;
  }
}
