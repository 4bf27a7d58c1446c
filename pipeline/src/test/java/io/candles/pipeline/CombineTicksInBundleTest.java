package io.candles.pipeline;

import static org.junit.Assert.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.SlidingWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;

/**
 * Combining ticks within a bundle before the sliding windows changes nothing in the candles: the
 * windows combine the partials into exactly what they compute from the ticks themselves.
 */
public class CombineTicksInBundleTest {

  @Rule public final transient TestPipeline p = TestPipeline.create();

  private static final Instant BASE = Instant.parse("2021-10-14T18:50:00Z");
  private static final Duration PERIOD = Duration.standardMinutes(1);
  private static final Duration SIZE = Duration.standardMinutes(5);

  /** Ticks of three pairs over 12 minutes, in shuffled order, with ties on event time. */
  private static List<TimestampedValue<KV<String, Quote>>> ticks() {
    Random random = new Random(42);
    List<TimestampedValue<KV<String, Quote>>> ticks = new ArrayList<>();
    String[] pairs = {"BTCUSDT", "ETHUSDT", "SOLUSDT"};
    for (int i = 0; i < 3_000; i++) {
      String pair = pairs[random.nextInt(pairs.length)];
      // Whole seconds, so many ticks share an event time and the offset decides open and close.
      Instant t = BASE.plus(Duration.standardSeconds(random.nextInt(12 * 60)));
      long bid = 1_000_000 + random.nextInt(10_000);
      long ask = bid + random.nextInt(50);
      ticks.add(TimestampedValue.of(KV.of(pair,
          new Quote(t.getMillis(), t.getMillis() + random.nextInt(100), bid, ask, random.nextInt(4), i)), t));
    }
    return ticks;
  }

  private static <T> Window<T> sliding() {
    return Window.into(SlidingWindows.of(SIZE).every(PERIOD));
  }

  @Test
  public void partialsCombineIntoTheSameCandlesAsTheTicks() {
    PCollection<KV<String, Quote>> quotes = p.apply(Create.timestamped(ticks())
        .withCoder(KvCoder.of(StringUtf8Coder.of(), Quote.Coder.of())));

    PCollection<KV<String, Ohlc>> fromTicks = quotes
        .apply("WindowTicks", sliding())
        .apply("CombineTicks", Combine.perKey(new OhlcCombineFn()));
    PCollection<KV<String, Ohlc>> fromPartials = quotes
        .apply(new CombineTicksInBundle(PERIOD))
        .apply("WindowPartials", sliding())
        .apply("CombinePartials", Combine.perKey(OhlcCombineFn.ofPartials()));

    PAssert.that(fromPartials.apply("TagPartials", ParDo.of(new WithWindow())))
        .containsInAnyOrder(expected());
    PAssert.that(fromTicks.apply("TagTicks", ParDo.of(new WithWindow())))
        .containsInAnyOrder(expected());
    p.run().waitUntilFinish();
  }

  /** Computed outside the pipeline from the same ticks, tick by tick, with the plain combine. */
  private static List<String> expected() {
    List<String> out = new ArrayList<>();
    java.util.Map<String, OhlcCombineFn.Accumulator> byKey = new java.util.TreeMap<>();
    OhlcCombineFn fn = new OhlcCombineFn();
    for (TimestampedValue<KV<String, Quote>> t : ticks()) {
      for (var w : SlidingWindows.of(SIZE).every(PERIOD).assignWindows(t.getTimestamp())) {
        String key = t.getValue().getKey() + "@" + w.start().getMillis();
        byKey.put(key, fn.addInput(byKey.getOrDefault(key, fn.createAccumulator()),
            t.getValue().getValue()));
      }
    }
    byKey.forEach((k, acc) -> out.add(k + "=" + fn.extractOutput(acc)));
    assertEquals("candles per pair and window", 3 * (12 + 4), out.size());
    return out;
  }

  /** "pair@windowStart=ohlc", so whole candles compare as strings. */
  static final class WithWindow extends DoFn<KV<String, Ohlc>, String> {
    @ProcessElement
    public void process(@Element KV<String, Ohlc> e,
        org.apache.beam.sdk.transforms.windowing.BoundedWindow w, OutputReceiver<String> out) {
      out.output(e.getKey() + "@" + ((org.apache.beam.sdk.transforms.windowing.IntervalWindow) w)
          .start().getMillis() + "=" + e.getValue());
    }
  }

  @Test
  public void aPartialHoldsOneSliceOfOnePairAndCarriesItsEarliestTimestamp() {
    PCollection<KV<String, OhlcCombineFn.Accumulator>> partials = p
        .apply(Create.timestamped(ticks())
            .withCoder(KvCoder.of(StringUtf8Coder.of(), Quote.Coder.of())))
        .apply(new CombineTicksInBundle(PERIOD));

    PAssert.that(partials.apply(ParDo.of(new CheckPartial()))).satisfies(results -> {
      long total = 0;
      for (String r : results) {
        assertEquals("ok", r);
        total++;
      }
      // At most one partial per pair and slice per bundle, and at least one per pair and slice.
      org.junit.Assert.assertTrue("partials: " + total, total >= 3 * 12 && total <= 3_000);
      return null;
    });
    p.run().waitUntilFinish();
  }

  /** "ok" for a partial of one slice stamped with its earliest tick, else what is wrong. */
  static final class CheckPartial extends DoFn<KV<String, OhlcCombineFn.Accumulator>, String> {
    @ProcessElement
    public void process(@Element KV<String, OhlcCombineFn.Accumulator> e, @Timestamp Instant ts,
        OutputReceiver<String> out) {
      OhlcCombineFn.Accumulator a = e.getValue();
      long slice = CombineTicksInBundle.sliceOf(a.openTime, PERIOD.getMillis());
      boolean oneSlice = slice == CombineTicksInBundle.sliceOf(a.closeTime, PERIOD.getMillis());
      out.output(oneSlice && ts.getMillis() == a.openTime && a.count > 0
          ? "ok" : "bad: " + a + " at " + ts);
    }
  }

  @Test
  public void slicesFollowTheWindowsAlignmentAlsoBefore1970() {
    assertEquals(0, CombineTicksInBundle.sliceOf(0, 60_000));
    assertEquals(0, CombineTicksInBundle.sliceOf(59_999, 60_000));
    assertEquals(1, CombineTicksInBundle.sliceOf(60_000, 60_000));
    assertEquals(-1, CombineTicksInBundle.sliceOf(-1, 60_000));
  }
}
