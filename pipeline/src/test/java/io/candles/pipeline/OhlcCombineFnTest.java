package io.candles.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.Assert.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.beam.sdk.testing.CoderProperties;
import org.junit.Test;

public class OhlcCombineFnTest {

  private final OhlcCombineFn fn = new OhlcCombineFn();

  private static MidQuote q(long time, long mid, int partition, long offset) {
    return new MidQuote(time, mid, partition, offset);
  }

  private Ohlc combine(List<MidQuote> quotes) {
    OhlcCombineFn.Accumulator acc = fn.createAccumulator();
    for (MidQuote q : quotes) {
      acc = fn.addInput(acc, q);
    }
    return fn.extractOutput(acc);
  }

  @Test
  public void tiesOnEventTimeAreBrokenByKafkaOffset() {
    // Three ticks at the same millisecond: the lowest offset opens, the highest closes,
    // whatever order they are added in.
    List<MidQuote> quotes = List.of(q(1000, 20, 0, 11), q(1000, 10, 0, 10), q(1000, 30, 0, 12));
    Ohlc expected = new Ohlc(10, 30, 10, 30, 3, 1000);
    for (List<MidQuote> order : permutations(quotes)) {
      assertEquals(order.toString(), expected, combine(order));
    }
  }

  @Test
  public void tiesAcrossPartitionsAreBrokenByPartitionThenOffset() {
    List<MidQuote> quotes = List.of(q(5, 7, 1, 0), q(5, 9, 0, 3));
    assertEquals(new Ohlc(9, 9, 7, 7, 2, 5), combine(quotes));
  }

  @Test
  public void ticksAddedOutOfOrderGiveOpenAndCloseByEventTime() {
    List<MidQuote> quotes = List.of(
        q(3000, 103, 0, 1), q(1000, 101, 0, 2), q(5000, 99, 0, 3), q(2000, 110, 0, 4), q(4000, 104, 0, 0));
    assertEquals(new Ohlc(101, 110, 99, 99, 5, 5000), combine(quotes));
  }

  @Test
  public void anEmptyAccumulatorMergesAsNothing() {
    OhlcCombineFn.Accumulator one = fn.addInput(fn.createAccumulator(), q(1, 5, 0, 0));
    OhlcCombineFn.Accumulator merged =
        fn.mergeAccumulators(List.of(fn.createAccumulator(), one, fn.createAccumulator()));
    assertEquals(new Ohlc(5, 5, 5, 5, 1, 1), fn.extractOutput(merged));
    assertEquals(0, fn.extractOutput(fn.mergeAccumulators(List.of())).tickCount());
  }

  /** Any split into groups, merged in any order and nesting, gives the one sequential answer. */
  @Test
  public void mergesInEveryOrderAndGroupingGiveOneAnswer() {
    SplittableRandom random = new SplittableRandom(42);
    for (int round = 0; round < 300; round++) {
      List<MidQuote> quotes = new ArrayList<>();
      int n = 1 + random.nextInt(40);
      for (int i = 0; i < n; i++) {
        // Few distinct times, so ties are common; offsets are unique per partition.
        quotes.add(q(random.nextInt(5), 1 + random.nextInt(1000), random.nextInt(2), i));
      }
      Ohlc expected = reference(quotes);

      Collections.shuffle(quotes, new java.util.Random(random.nextLong()));
      List<OhlcCombineFn.Accumulator> parts = new ArrayList<>();
      int i = 0;
      while (i < quotes.size()) {
        int size = 1 + random.nextInt(5);
        parts.add(accumulate(quotes.subList(i, Math.min(quotes.size(), i + size))));
        i += size;
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
    List<MidQuote> quotes = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      quotes.add(q(i % 7, 100 + (i * 37) % 11, 0, i));
    }
    org.apache.beam.sdk.testing.CombineFnTester.testCombineFn(fn, quotes, reference(quotes));
  }

  @Test
  public void accumulatorCoderRoundTripsAndIsDeterministic() throws Exception {
    OhlcCombineFn.AccumulatorCoder coder = OhlcCombineFn.AccumulatorCoder.of();
    coder.verifyDeterministic();
    CoderProperties.coderDecodeEncodeEqual(coder, fn.createAccumulator());
    OhlcCombineFn.Accumulator acc = accumulate(List.of(
        q(1_700_000_000_000L, 58_000_150_000_000L, 3, 123_456_789L), q(1_700_000_000_001L, 1, 0, 0)));
    CoderProperties.coderDecodeEncodeEqual(coder, acc);
    CoderProperties.coderDeterministic(coder, acc, accumulate(List.of(
        q(1_700_000_000_001L, 1, 0, 0), q(1_700_000_000_000L, 58_000_150_000_000L, 3, 123_456_789L))));
    // Compact: an accumulator of realistic values takes well under its 84 bytes of fields.
    assertThat(org.apache.beam.sdk.util.CoderUtils.encodeToByteArray(coder, acc).length < 60, is(true));
  }

  @Test
  public void outputAndQuoteCodersRoundTrip() throws Exception {
    CoderProperties.coderDecodeEncodeEqual(Ohlc.Coder.of(), new Ohlc(1, 3, 0, 2, 9, 1_634_237_640_123L));
    CoderProperties.coderDecodeEncodeEqual(MidQuote.Coder.of(), q(-5, Long.MAX_VALUE, 7, 0));
    CoderProperties.coderDecodeEncodeEqual(Candle.Coder.of(),
        new Candle("BTCUSDT", 60_000, 360_000, 1, 2, 0, 1, 4, 359_999, true));
  }

  private OhlcCombineFn.Accumulator accumulate(List<MidQuote> quotes) {
    OhlcCombineFn.Accumulator acc = fn.createAccumulator();
    for (MidQuote q : quotes) {
      acc = fn.addInput(acc, q);
    }
    return acc;
  }

  /** Sort-based reference, independent of the accumulator's incremental logic. */
  private static Ohlc reference(List<MidQuote> quotes) {
    List<MidQuote> sorted = new ArrayList<>(quotes);
    sorted.sort((a, b) -> a.eventTimeMillis() != b.eventTimeMillis()
        ? Long.compare(a.eventTimeMillis(), b.eventTimeMillis())
        : a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition())
        : Long.compare(a.offset(), b.offset()));
    long high = sorted.stream().mapToLong(MidQuote::mid).max().getAsLong();
    long low = sorted.stream().mapToLong(MidQuote::mid).min().getAsLong();
    MidQuote last = sorted.get(sorted.size() - 1);
    return new Ohlc(sorted.get(0).mid(), high, low, last.mid(), sorted.size(), last.eventTimeMillis());
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
