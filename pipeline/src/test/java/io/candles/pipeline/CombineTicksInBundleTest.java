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
        .apply(new CombineTicksInBundle(PERIOD, Duration.standardMinutes(5)))
        .apply("WindowPartials", sliding())
        .apply("CombinePartials", Combine.perKey(OhlcCombineFn.ofPartials()));

    PAssert.that(fromPartials.apply("TagPartials", ParDo.of(new WithWindow())))
        .containsInAnyOrder(expected());
    PAssert.that(fromTicks.apply("TagTicks", ParDo.of(new WithWindow())))
        .containsInAnyOrder(expected());
    p.run().waitUntilFinish();
  }

  @Test
  public void partialsPassedOnWithinBundlesCombineIntoTheSameCandlesAsTheTicks() {
    // An interval of one nanosecond passes the partials on at nearly every other tick, within the
    // runner's bundles, with timestamps earlier than the tick that passes them on.
    PCollection<KV<String, Ohlc>> fromPartials = p
        .apply(Create.timestamped(ticks()).withCoder(KvCoder.of(StringUtf8Coder.of(), Quote.Coder.of())))
        .apply(new CombineTicksInBundle(PERIOD, SIZE, 1L))
        .apply("WindowPartials", sliding())
        .apply("CombinePartials", Combine.perKey(OhlcCombineFn.ofPartials()));

    PAssert.that(fromPartials.apply("TagPartials", ParDo.of(new WithWindow())))
        .containsInAnyOrder(expected());
    org.apache.beam.sdk.PipelineResult result = p.run();
    result.waitUntilFinish();
    long passedOn = 0;
    for (var c : result.metrics().queryMetrics(org.apache.beam.sdk.metrics.MetricsFilter.builder()
        .addNameFilter(org.apache.beam.sdk.metrics.MetricNameFilter.named(
            CombineTicksInBundle.class, "partialsPassedOnWithinBundle"))
        .build()).getCounters()) {
      passedOn += c.getAttempted();
    }
    org.junit.Assert.assertTrue("partials passed on within bundles: " + passedOn, passedOn > 100);
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

  /**
   * Each pair's ticks as a producer writes them: each says which spread held since the pair's
   * previous tick, except after a gap; event times mostly rise, with ties, a few steps back, and
   * quiet stretches longer than a window.
   */
  private static List<TimestampedValue<KV<String, Quote>>> chainedTicks(long seed) {
    Random random = new Random(seed);
    List<TimestampedValue<KV<String, Quote>>> ticks = new ArrayList<>();
    String[] pairs = {"BTCUSDT", "ETHUSDT"};
    for (String pair : pairs) {
      long t = BASE.getMillis() + random.nextInt(60_000);
      long prevSpread = io.candles.contract.Tick.NO_SPREAD;
      long prevTime = io.candles.contract.Tick.NO_TIME;
      for (int i = 0; i < 600; i++) {
        int step = random.nextInt(20);
        t += step < 2 ? 0 : step < 3 ? -random.nextInt(3_000) : step < 4 ? 200_000 + random.nextInt(300_000)
            : random.nextInt(4_000);
        long bid = 1_000_000 + random.nextInt(10_000);
        // Spreads up to near the largest price: their time-weighted sums overflow a long.
        long ask = bid + (random.nextInt(50) == 0 ? 800_000_000_000_000_000L : random.nextInt(50));
        if (random.nextInt(40) == 0) {
          prevSpread = io.candles.contract.Tick.NO_SPREAD; // a gap: nothing known of before
        }
        ticks.add(TimestampedValue.of(KV.of(pair, new Quote(t, io.candles.contract.Tick.NO_TIME, bid, ask,
            pair.equals("BTCUSDT") ? 0 : 1, i, prevSpread, prevTime)), new Instant(t)));
        prevSpread = ask - bid;
        prevTime = t;
      }
    }
    java.util.Collections.shuffle(ticks, random);
    return ticks;
  }

  @Test
  public void theTimeWeightedSpreadOfEachWindowEqualsAReferenceThatClipsEachTicksIntervalToTheWindow() {
    for (long seed : new long[] {1, 2, 3}) {
      TestPipeline pipeline = TestPipeline.create().enableAbandonedNodeEnforcement(false);
      PCollection<String> twa = pipeline
          .apply(Create.timestamped(chainedTicks(seed)).withCoder(KvCoder.of(StringUtf8Coder.of(), Quote.Coder.of())))
          // The last seed also passes partials on within bundles (at nearly every other tick).
          .apply(new CombineTicksInBundle(PERIOD, SIZE, seed == 3 ? 1L : 0L))
          .apply("WindowPartials", sliding())
          .apply("CombinePartials", Combine.perKey(OhlcCombineFn.ofPartials()))
          .apply(ParDo.of(new TimeWeightedSpread()));
      PAssert.that(twa).containsInAnyOrder(expectedTimeWeightedSpreads(chainedTicks(seed)));
      pipeline.run().waitUntilFinish();
    }
  }

  /**
   * Per pair and window, in plain BigDecimal: each tick of the window with a known previous spread
   * adds it, weighted by the milliseconds from its previous tick, or from the window start if that
   * is later, to the tick.
   */
  private static List<String> expectedTimeWeightedSpreads(List<TimestampedValue<KV<String, Quote>>> ticks) {
    java.util.Map<String, java.math.BigDecimal[]> sums = new java.util.TreeMap<>();
    for (TimestampedValue<KV<String, Quote>> t : ticks) {
      Quote q = t.getValue().getValue();
      for (var w : SlidingWindows.of(SIZE).every(PERIOD).assignWindows(t.getTimestamp())) {
        java.math.BigDecimal[] s = sums.computeIfAbsent(t.getValue().getKey() + "@" + w.start().getMillis(),
            k -> new java.math.BigDecimal[] {java.math.BigDecimal.ZERO, java.math.BigDecimal.ZERO});
        if (q.prevSpread() >= 0 && q.prevEventTimeMillis() <= q.eventTimeMillis()) {
          long held = q.eventTimeMillis() - Math.max(q.prevEventTimeMillis(), w.start().getMillis());
          s[0] = s[0].add(java.math.BigDecimal.valueOf(q.prevSpread(), 8)
              .multiply(java.math.BigDecimal.valueOf(held)));
          s[1] = s[1].add(java.math.BigDecimal.valueOf(held));
        }
      }
    }
    List<String> out = new ArrayList<>();
    sums.forEach((k, s) -> out.add(k + "=" + (s[1].signum() == 0 ? "null"
        : s[0].divide(s[1], 12, java.math.RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString())));
    return out;
  }

  /** "pair@windowStart=time-weighted spread". */
  static final class TimeWeightedSpread extends DoFn<KV<String, Ohlc>, String> {
    @ProcessElement
    public void process(@Element KV<String, Ohlc> e,
        org.apache.beam.sdk.transforms.windowing.BoundedWindow w, OutputReceiver<String> out) {
      long start = ((org.apache.beam.sdk.transforms.windowing.IntervalWindow) w).start().getMillis();
      java.math.BigDecimal twa = e.getValue().spreadTimeWeightedMean(start);
      out.output(e.getKey() + "@" + start + "=" + (twa == null ? "null" : twa.toPlainString()));
    }
  }

  @Test
  public void aPartialHoldsOneSliceOfOnePairAndCarriesItsEarliestTimestamp() {
    PCollection<KV<String, OhlcCombineFn.Accumulator>> partials = p
        .apply(Create.timestamped(ticks())
            .withCoder(KvCoder.of(StringUtf8Coder.of(), Quote.Coder.of())))
        .apply(new CombineTicksInBundle(PERIOD, Duration.standardMinutes(5)));

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
