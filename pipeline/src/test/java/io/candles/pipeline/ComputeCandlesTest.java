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
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
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
  private static final String BTC = "BTCUSDT";
  private static final String ETH = "ETHUSDT";

  private long nextOffset;

  /** A tick of {@code pair} at {@code BASE + at} with mid price {@code mid}, next in Kafka order. */
  private TimestampedValue<KV<String, MidQuote>> tick(String pair, Duration at, long mid) {
    Instant t = BASE.plus(at);
    return TimestampedValue.of(KV.of(pair, new MidQuote(t.getMillis(), mid, 0, nextOffset++)), t);
  }

  /** The expected candle; {@code closeAt} is the event time of its closing tick, from BASE. */
  private static Candle candle(String pair, IntervalWindow w, long open, long high, long low,
      long close, long count, Duration closeAt, boolean isFinal) {
    return new Candle(pair, w.start().getMillis(), w.end().getMillis(), open, high, low, close,
        count, BASE.plus(closeAt).getMillis(), isFinal);
  }

  private static TestStream.Builder<KV<String, MidQuote>> stream() {
    return TestStream.create(KvCoder.of(StringUtf8Coder.of(), MidQuote.Coder.of()));
  }

  private PCollection<Candle> candles(TestStream<KV<String, MidQuote>> ticks) {
    return p.apply(ticks).apply(new ComputeCandles(CandleWindowing.DEFAULT));
  }

  @Test
  public void earlyPaneAppearsBeforeTheWatermarkPassesTheWindow() {
    TestStream<KV<String, MidQuote>> ticks = stream()
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
    TestStream<KV<String, MidQuote>> ticks = stream()
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
    TestStream<KV<String, MidQuote>> ticks = stream()
        .advanceWatermarkTo(BASE)
        .addElements(tick(BTC, secs(5), 100), tick(ETH, secs(6), 7), tick(BTC, minutes(4), 105))
        .advanceWatermarkTo(WINDOW.end())
        .advanceWatermarkToInfinity();

    PCollection<Candle> out = candles(ticks);

    PAssert.that(out).inOnTimePane(WINDOW).containsInAnyOrder(
        candle(BTC, WINDOW, 100, 105, 100, 105, 2, minutes(4), true),
        candle(ETH, WINDOW, 7, 7, 7, 7, 1, secs(6), true));
    PAssert.that(out).inEarlyPane(WINDOW).empty();
    p.run().waitUntilFinish();
  }

  @Test
  public void lateTickWithinTheAllowedLatenessUpdatesTheCandle() {
    TestStream<KV<String, MidQuote>> ticks = stream()
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
    TestStream<KV<String, MidQuote>> ticks = stream()
        .advanceWatermarkTo(BASE)
        .addElements(tick(BTC, secs(10), 100))
        // Past the end of every window holding BASE+30s, plus the allowed lateness.
        .advanceWatermarkTo(WINDOW.end().plus(LATENESS).plus(secs(1)))
        .addElements(tick(BTC, secs(30), 1))
        .advanceWatermarkToInfinity();

    PCollection<Candle> out = candles(ticks);

    PAssert.that(out).inWindow(WINDOW)
        .containsInAnyOrder(candle(BTC, WINDOW, 100, 100, 100, 100, 1, secs(10), true));
    PipelineResult result = p.run();
    result.waitUntilFinish();
    // The late tick belonged to five windows, all expired: dropped once per window.
    assertEquals(5, droppedDueToLateness(result));
  }

  @Test
  public void outOfOrderTicksStillOpenWithTheEarliestAndCloseWithTheLatest() {
    TestStream<KV<String, MidQuote>> ticks = stream()
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
    TestStream<KV<String, MidQuote>> ticks = stream()
        .advanceWatermarkTo(BASE)
        .addElements(tick(BTC, secs(90), 42))
        .advanceWatermarkToInfinity();

    // floor_minute(BASE+90s) = BASE+1m; windows start there and 1..4 minutes before.
    List<Candle> expected = new ArrayList<>();
    for (int k = 0; k <= 4; k++) {
      IntervalWindow w = new IntervalWindow(BASE.plus(minutes(1)).minus(minutes(k)), SIZE);
      expected.add(candle(BTC, w, 42, 42, 42, 42, 1, secs(90), true));
    }
    PAssert.that(candles(ticks)).containsInAnyOrder(expected);
    p.run().waitUntilFinish();
  }

  @Test
  public void oneMinuteCandlesAreTumblingWindowsFromTheSameCode() {
    CandleWindowing oneMinute = new CandleWindowing(minutes(1), minutes(1),
        CandleWindowing.DEFAULT.earlyFiringDelay(), LATENESS);
    TestStream<KV<String, MidQuote>> ticks = stream()
        .advanceWatermarkTo(BASE)
        .addElements(tick(BTC, secs(10), 100), tick(BTC, secs(50), 104),
            tick(BTC, secs(70), 99), tick(BTC, secs(119), 101))
        .advanceWatermarkToInfinity();

    IntervalWindow first = new IntervalWindow(BASE, minutes(1));
    IntervalWindow second = new IntervalWindow(BASE.plus(minutes(1)), minutes(1));
    PAssert.that(p.apply(ticks).apply(new ComputeCandles(oneMinute))).containsInAnyOrder(
        candle(BTC, first, 100, 104, 100, 104, 2, secs(50), true),
        candle(BTC, second, 99, 101, 99, 101, 2, secs(119), true));
    p.run().waitUntilFinish();
  }

  @Test
  public void fifteenMinuteCandlesEveryFiveMinutesFromTheSameCode() {
    CandleWindowing fifteen = new CandleWindowing(minutes(15), minutes(5),
        CandleWindowing.DEFAULT.earlyFiringDelay(), LATENESS);
    TestStream<KV<String, MidQuote>> ticks = stream()
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
    PAssert.that(p.apply(ticks).apply(new ComputeCandles(fifteen))).containsInAnyOrder(expected);
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
