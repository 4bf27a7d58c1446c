package io.candles.pipeline;

import static org.junit.Assert.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;

/**
 * The candle trigger, pane by pane, with time driven by {@link TestStream}: named after the
 * lateness class of the ticks, as in Beam's {@code LeaderBoardTest}.
 */
public class ComputeCandlesTest {

  @Rule public final transient TestPipeline p = TestPipeline.create();

  /** A whole UTC minute, so it starts a window. */
  private static final Instant BASE = Instant.parse("2021-10-14T18:50:00Z");
  private static final Duration SIZE = Duration.standardMinutes(5);
  private static final IntervalWindow WINDOW = new IntervalWindow(BASE, SIZE);
  private static final Duration LATENESS = CandleWindowing.DEFAULT.allowedLateness();
  /** The default windows with early panes per bundle instead of a delay after a pane's first tick. */
  private static final CandleWindowing PER_BUNDLE = new CandleWindowing(SIZE, Duration.standardMinutes(1),
      Duration.ZERO, LATENESS);
  private static final String BTC = "BTCUSDT";
  private static final String ETH = "ETHUSDT";

  private long nextOffset;

  /**
   * A tick of {@code pair} at {@code BASE + at} with bid = ask = {@code price} (10^-8 units, so
   * its mid is {@code price * 10} in 10^-9 units), received 3 ms later, next in Kafka order.
   */
  private TimestampedValue<KV<String, Quote>> tick(String pair, Duration at, long price) {
    Instant t = BASE.plus(at);
    return TimestampedValue.of(
        KV.of(pair, new Quote(t.getMillis(), t.getMillis() + 3, price, price, 0, nextOffset++)), t);
  }

  /**
   * The expected candle of ticks made by {@link #tick} (prices as given there); {@code closeAt}
   * is the event time of its closing tick, from BASE.
   */
  private static Candle candle(String pair, IntervalWindow w, long open, long high, long low,
      long close, long count, Duration closeAt, boolean isFinal) {
    return candle(pair, w, open, high, low, close, count, closeAt, 0, 0, isFinal);
  }

  private static Candle candle(String pair, IntervalWindow w, long open, long high, long low,
      long close, long count, Duration closeAt, long gapMillis, int gapCount, boolean isFinal) {
    long last = BASE.plus(closeAt).getMillis();
    Bar prices = new Bar(open, high, low, close);
    return new Candle(pair, w.start().getMillis(), w.end().getMillis(),
        new Ohlc(new Bar(open * 10, high * 10, low * 10, close * 10), prices, prices, 0, 0, 0, count,
            last, last + 3, gapMillis, gapCount),
        isFinal);
  }

  private static TestStream.Builder<KV<String, Quote>> stream() {
    return TestStream.create(KvCoder.of(StringUtf8Coder.of(), Quote.Coder.of()));
  }

  private PCollection<Candle> candles(TestStream<KV<String, Quote>> ticks) {
    return candles(ticks, CandleWindowing.DEFAULT);
  }

  private PCollection<Candle> candles(TestStream<KV<String, Quote>> ticks, CandleWindowing windowing) {
    return PCollectionTuple.of(RouteTicks.QUOTES, p.apply(ticks)).apply(new ComputeCandles(windowing));
  }

  /** The final candles only (on-time and late panes), whatever early ones came before. */
  private static PCollection<Candle> finals(PCollection<Candle> candles) {
    return candles.apply("Finals", Filter.by(Candle::isFinal));
  }

  /**
   * Without an early-firing delay every bundle of ticks gives an early pane as soon as it is
   * combined: no processing time has to pass, and each pane holds every tick of the window so far.
   */
  @Test
  public void earlyPaneForEveryBundleWithoutADelay() {
    TestStream<KV<String, Quote>> ticks = stream()
        .advanceWatermarkTo(BASE)
        .addElements(tick(BTC, secs(10), 100), tick(BTC, secs(20), 120))
        .addElements(tick(BTC, secs(30), 90))
        .advanceWatermarkToInfinity();

    PCollection<Candle> out = candles(ticks, PER_BUNDLE);

    PAssert.that(out).inEarlyPane(WINDOW).containsInAnyOrder(
        candle(BTC, WINDOW, 100, 120, 100, 120, 2, secs(20), false),
        candle(BTC, WINDOW, 100, 120, 90, 90, 3, secs(30), false));
    PAssert.that(out).inOnTimePane(WINDOW)
        .containsInAnyOrder(candle(BTC, WINDOW, 100, 120, 90, 90, 3, secs(30), true));
    p.run().waitUntilFinish();
  }

  @Test
  public void earlyPaneAppearsOnceTheDelayHasPassed() {
    TestStream<KV<String, Quote>> ticks = stream()
        .advanceWatermarkTo(BASE)
        .addElements(tick(BTC, secs(10), 100), tick(BTC, secs(20), 120))
        // More than the 100 ms early-firing delay passes: an early pane.
        .advanceProcessingTime(Duration.millis(150))
        .addElements(tick(BTC, secs(30), 90))
        .advanceWatermarkToInfinity();

    PCollection<Candle> out = candles(ticks);

    PAssert.that(out).inEarlyPane(WINDOW)
        .containsInAnyOrder(candle(BTC, WINDOW, 100, 120, 100, 120, 2, secs(20), false));
    PAssert.that(out).inOnTimePane(WINDOW)
        .containsInAnyOrder(candle(BTC, WINDOW, 100, 120, 90, 90, 3, secs(30), true));
    p.run().waitUntilFinish();
  }

  @Test
  public void noEarlyPaneBeforeTheDelayHasPassed() {
    TestStream<KV<String, Quote>> ticks = stream()
        .advanceWatermarkTo(BASE)
        .addElements(tick(BTC, secs(10), 100))
        .advanceProcessingTime(Duration.millis(50))
        .advanceWatermarkToInfinity();

    PAssert.that(candles(ticks)).inWindow(WINDOW)
        .containsInAnyOrder(candle(BTC, WINDOW, 100, 100, 100, 100, 1, secs(10), true));
    p.run().waitUntilFinish();
  }

  @Test
  public void onTimePaneIsFinalWhenTheWatermarkPassesTheWindowEnd() {
    TestStream<KV<String, Quote>> ticks = stream()
        .advanceWatermarkTo(BASE)
        .addElements(tick(BTC, secs(5), 100), tick(ETH, secs(6), 7), tick(BTC, minutes(4), 105))
        .advanceWatermarkTo(WINDOW.end())
        .advanceWatermarkToInfinity();

    PCollection<Candle> out = candles(ticks);

    PAssert.that(out).inOnTimePane(WINDOW).containsInAnyOrder(
        candle(BTC, WINDOW, 100, 105, 100, 105, 2, minutes(4), true),
        candle(ETH, WINDOW, 7, 7, 7, 7, 1, secs(6), true));
    // No processing time passed: no early pane before it.
    PAssert.that(out).inEarlyPane(WINDOW).empty();
    p.run().waitUntilFinish();
  }

  @Test
  public void lateTickWithinTheAllowedLatenessUpdatesTheCandle() {
    TestStream<KV<String, Quote>> ticks = stream()
        .advanceWatermarkTo(BASE)
        .addElements(tick(BTC, secs(10), 100), tick(BTC, minutes(3), 110))
        .advanceWatermarkTo(WINDOW.end().plus(secs(10)))
        // Behind the watermark, but within the minute of allowed lateness.
        .addElements(tick(BTC, secs(5), 95))
        .advanceWatermarkToInfinity();

    PCollection<Candle> out = candles(ticks);

    PAssert.that(out).inOnTimePane(WINDOW)
        .containsInAnyOrder(candle(BTC, WINDOW, 100, 110, 100, 110, 2, minutes(3), true));
    PAssert.that(out).inLatePane(WINDOW)
        .containsInAnyOrder(candle(BTC, WINDOW, 95, 110, 95, 110, 3, minutes(3), true));
    p.run().waitUntilFinish();
  }

  @Test
  public void droppablyLateTickIsDroppedAndCounted() {
    TestStream<KV<String, Quote>> ticks = stream()
        .advanceWatermarkTo(BASE)
        .addElements(tick(BTC, secs(10), 100))
        // Past the end of every window holding BASE+30s, plus the allowed lateness.
        .advanceWatermarkTo(WINDOW.end().plus(LATENESS).plus(secs(1)))
        .addElements(tick(BTC, secs(30), 1))
        .advanceWatermarkToInfinity();

    PCollection<Candle> out = candles(ticks);

    PAssert.that(out).inOnTimePane(WINDOW)
        .containsInAnyOrder(candle(BTC, WINDOW, 100, 100, 100, 100, 1, secs(10), true));
    PAssert.that(out).inLatePane(WINDOW).empty();
    PipelineResult result = p.run();
    result.waitUntilFinish();
    // The late tick belonged to five windows, all expired: dropped once per window.
    assertEquals(5, droppedDueToLateness(result));
  }

  @Test
  public void outOfOrderTicksStillOpenWithTheEarliestAndCloseWithTheLatest() {
    TestStream<KV<String, Quote>> ticks = stream()
        .advanceWatermarkTo(BASE)
        .addElements(
            tick(BTC, minutes(4), 104), tick(ETH, secs(50), 9),
            tick(BTC, secs(70), 101), tick(BTC, minutes(3), 130),
            tick(ETH, secs(40), 8), tick(BTC, secs(61), 99))
        .advanceWatermarkToInfinity();

    PAssert.that(candles(ticks)).inOnTimePane(WINDOW).containsInAnyOrder(
        candle(BTC, WINDOW, 99, 130, 99, 104, 4, minutes(4), true),
        candle(ETH, WINDOW, 8, 9, 8, 9, 2, secs(50), true));
    p.run().waitUntilFinish();
  }

  @Test
  public void oneTickLandsInFiveWindows() {
    TestStream<KV<String, Quote>> ticks = stream()
        .advanceWatermarkTo(BASE)
        .addElements(tick(BTC, secs(90), 42))
        .advanceWatermarkToInfinity();

    // floor_minute(BASE+90s) = BASE+1m; windows start there and 1..4 minutes before.
    List<Candle> expected = new ArrayList<>();
    for (int k = 0; k <= 4; k++) {
      IntervalWindow w = new IntervalWindow(BASE.plus(minutes(1)).minus(minutes(k)), SIZE);
      expected.add(candle(BTC, w, 42, 42, 42, 42, 1, secs(90), true));
    }
    PAssert.that(finals(candles(ticks))).containsInAnyOrder(expected);
    p.run().waitUntilFinish();
  }

  @Test
  public void oneMinuteCandlesAreTumblingWindowsFromTheSameCode() {
    CandleWindowing oneMinute = new CandleWindowing(minutes(1), minutes(1),
        CandleWindowing.DEFAULT.earlyFiringDelay(), LATENESS);
    TestStream<KV<String, Quote>> ticks = stream()
        .advanceWatermarkTo(BASE)
        .addElements(tick(BTC, secs(10), 100), tick(BTC, secs(50), 104),
            tick(BTC, secs(70), 99), tick(BTC, secs(119), 101))
        .advanceWatermarkToInfinity();

    IntervalWindow first = new IntervalWindow(BASE, minutes(1));
    IntervalWindow second = new IntervalWindow(BASE.plus(minutes(1)), minutes(1));
    PAssert.that(finals(candles(ticks, oneMinute))).containsInAnyOrder(
        candle(BTC, first, 100, 104, 100, 104, 2, secs(50), true),
        candle(BTC, second, 99, 101, 99, 101, 2, secs(119), true));
    p.run().waitUntilFinish();
  }

  @Test
  public void fifteenMinuteCandlesEveryFiveMinutesFromTheSameCode() {
    CandleWindowing fifteen = new CandleWindowing(minutes(15), minutes(5),
        CandleWindowing.DEFAULT.earlyFiringDelay(), LATENESS);
    TestStream<KV<String, Quote>> ticks = stream()
        .advanceWatermarkTo(BASE)
        // BASE is 18:50, a whole five minutes: windows start at 18:40, 18:45 and 18:50 hold the
        // first tick; the second (18:57) is in 18:45, 18:50 and 18:55.
        .addElements(tick(BTC, minutes(1), 100), tick(BTC, minutes(7), 110))
        .advanceWatermarkToInfinity();

    List<Candle> expected = new ArrayList<>();
    expected.add(candle(BTC, new IntervalWindow(BASE.minus(minutes(10)), minutes(15)),
        100, 100, 100, 100, 1, minutes(1), true));
    expected.add(candle(BTC, new IntervalWindow(BASE.minus(minutes(5)), minutes(15)),
        100, 110, 100, 110, 2, minutes(7), true));
    expected.add(candle(BTC, new IntervalWindow(BASE, minutes(15)),
        100, 110, 100, 110, 2, minutes(7), true));
    expected.add(candle(BTC, new IntervalWindow(BASE.plus(minutes(5)), minutes(15)),
        110, 110, 110, 110, 1, minutes(7), true));
    PAssert.that(finals(candles(ticks, fifteen))).containsInAnyOrder(expected);
    p.run().waitUntilFinish();
  }

  /**
   * A feed gap of 40 s across a minute boundary: each window gets the part of the gap inside it,
   * whatever windows hold its ends, and a window with only gap and no tick has no row.
   */
  @Test
  public void aGapMarksEveryWindowItOverlapsByTheOverlap() {
    TestStream<KV<String, Quote>> ticks = stream()
        .advanceWatermarkTo(BASE)
        .addElements(tick(BTC, secs(10), 100), tick(BTC, minutes(4).plus(secs(50)), 120))
        .advanceWatermarkToInfinity();
    long gapStart = BASE.plus(secs(30)).getMillis();
    PCollection<KV<String, io.candles.contract.Gap>> gaps = p.apply("Gaps", org.apache.beam.sdk.transforms.Create
        .timestamped(TimestampedValue.of(KV.of(BTC, new io.candles.contract.Gap(BTC, gapStart, gapStart + 40_000,
            io.candles.contract.GapCause.RECONNECT)), new Instant(gapStart)))
        .withCoder(KvCoder.of(StringUtf8Coder.of(), GapCoder.of())));
    PCollection<Candle> out = PCollectionTuple.of(RouteTicks.QUOTES, p.apply(ticks))
        .and(RouteTicks.GAPS, gaps)
        .apply(new ComputeCandles(CandleWindowing.DEFAULT));

    IntervalWindow fourBefore = new IntervalWindow(BASE.minus(minutes(4)), SIZE);
    IntervalWindow oneAfter = new IntervalWindow(BASE.plus(minutes(1)), SIZE);
    IntervalWindow fiveAfter = new IntervalWindow(BASE.plus(minutes(5)), SIZE);
    // [18:46, 18:51) holds the first tick and the gap up to 18:51: 30 s of it.
    PAssert.that(out).inOnTimePane(fourBefore)
        .containsInAnyOrder(candle(BTC, fourBefore, 100, 100, 100, 100, 1, secs(10), 30_000, 1, true));
    // [18:50, 18:55) holds all of it.
    PAssert.that(out).inOnTimePane(WINDOW)
        .containsInAnyOrder(candle(BTC, WINDOW, 100, 120, 100, 120, 2, minutes(4).plus(secs(50)), 40_000, 1, true));
    // [18:51, 18:56) holds its last 10 s and only the second tick.
    PAssert.that(out).inOnTimePane(oneAfter).containsInAnyOrder(
        candle(BTC, oneAfter, 120, 120, 120, 120, 1, minutes(4).plus(secs(50)), 10_000, 1, true));
    // [18:55, 19:00) has no tick: no row, gap or not.
    PAssert.that(out).inWindow(fiveAfter).empty();
    p.run().waitUntilFinish();
  }

  private static long droppedDueToLateness(PipelineResult result) {
    MetricQueryResults metrics = result.metrics().queryMetrics(MetricsFilter.builder().build());
    long dropped = 0;
    for (MetricResult<Long> c : metrics.getCounters()) {
      // The runners' own late-data counter: DirectRunner's GroupAlsoByWindowEvaluator calls it
      // DroppedDueToLateness, runners-core's LateDataDroppingDoFnRunner droppedDueToLateness.
      if (c.getName().getName().equalsIgnoreCase("droppedDueToLateness")) {
        dropped += c.getAttempted();
      }
    }
    return dropped;
  }

  private static Duration secs(long s) {
    return Duration.standardSeconds(s);
  }

  private static Duration minutes(long m) {
    return Duration.standardMinutes(m);
  }
}
