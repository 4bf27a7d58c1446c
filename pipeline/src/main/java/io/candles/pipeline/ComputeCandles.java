package io.candles.pipeline;

import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.SlidingWindows;
import org.apache.beam.sdk.transforms.windowing.Trigger;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;

/**
 * Turns timestamped quotes ({@link RouteTicks#QUOTES}) and feed gaps ({@link RouteTicks#GAPS},
 * optional), keyed by pair, into candles: one per pair and sliding window per pane, early while
 * the window is open, final once the watermark has passed its end. A window with gaps but no tick
 * has no candle.
 */
public final class ComputeCandles extends PTransform<PCollectionTuple, PCollection<Candle>> {
  // The value the JVM derived before it was declared: savepoints taken since stay readable.
  private static final long serialVersionUID = 9138387202851012378L;

  private final CandleWindowing windowing;

  public ComputeCandles(CandleWindowing windowing) {
    super("ComputeCandles");
    this.windowing = windowing;
  }

  @Override
  public PCollection<Candle> expand(PCollectionTuple routed) {
    // Many ticks of a pair become one partial candle per bundle, so the windows below do their
    // per-element work once per partial, not once per tick.
    PCollection<KV<String, OhlcCombineFn.Accumulator>> partials =
        routed.get(RouteTicks.QUOTES).apply(
            new CombineTicksInBundle(windowing.period(), windowing.size(), windowing.partialInterval()));
    if (routed.has(RouteTicks.GAPS)) {
      partials = PCollectionList.of(partials)
          .and(routed.get(RouteTicks.GAPS).apply(new SliceGaps(windowing.period())))
          .apply("WithGaps", Flatten.pCollections());
    }
    return partials
        .apply("SlidingWindows",
            Window.<KV<String, OhlcCombineFn.Accumulator>>into(
                    SlidingWindows.of(windowing.size()).every(windowing.period()))
                // Fire when the watermark passes the window end,
                .triggering(AfterWatermark.pastEndOfWindow()
                    // early, for every bundle's partial candle or a delay after a pane's first,
                    .withEarlyFirings(earlyFiring(windowing))
                    // and again for every late tick,
                    .withLateFirings(AfterPane.elementCountAtLeast(1)))
                // up to the allowed lateness,
                .withAllowedLateness(windowing.allowedLateness())
                // each pane holding every tick of the window so far.
                .accumulatingFiredPanes())
        .apply("CombineOhlc", Combine.perKey(OhlcCombineFn.ofPartials()))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), Ohlc.Coder.of()))
        .apply("ToCandle", ParDo.of(new ToCandleFn()))
        .setCoder(Candle.Coder.of());
  }

  /**
   * The early firing. With no delay, a pane per element: an element here is one bundle's partial
   * candle of a pair and slice ({@link CombineTicksInBundle}), so the windows fire once per bundle
   * and pair, as soon as the bundle ends. The number of early panes is then bounded by the runner's
   * bundles, not by the ticks, and no timer stands between a tick and its candle. With a delay, a
   * pane that delay after the first element of the pane, whatever the bundles.
   */
  static Trigger.OnceTrigger earlyFiring(CandleWindowing windowing) {
    return windowing.earlyFiringDelay().getMillis() == 0
        ? AfterPane.elementCountAtLeast(1)
        : AfterProcessingTime.pastFirstElementInPane().plusDelayOf(windowing.earlyFiringDelay());
  }

  /** Attaches the window bounds and whether the pane is final. */
  static final class ToCandleFn extends DoFn<KV<String, Ohlc>, Candle> {
    // The value the JVM derived before it was declared: savepoints taken since stay readable.
    private static final long serialVersionUID = -6268080088306622963L;

    @ProcessElement
    public void process(
        @Element KV<String, Ohlc> e, IntervalWindow window, PaneInfo pane,
        OutputReceiver<Candle> out) {
      Ohlc o = e.getValue();
      if (o.tickCount() == 0) {
        // Only gaps so far: no price to show, so no row (the table's prices are never null).
        return;
      }
      // On-time and late panes come after the watermark passed the window end.
      boolean isFinal = pane.getTiming() != PaneInfo.Timing.EARLY;
      out.output(new Candle(e.getKey(), window.start().getMillis(), window.end().getMillis(), o, isFinal));
    }
  }
}
