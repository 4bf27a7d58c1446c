package io.candles.pipeline;

import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.SlidingWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * Turns timestamped mid quotes, keyed by pair, into candles: one per pair and sliding window per
 * pane, early while the window is open, final once the watermark has passed its end.
 */
public final class ComputeCandles
    extends PTransform<PCollection<KV<String, MidQuote>>, PCollection<Candle>> {

  private final CandleWindowing windowing;

  public ComputeCandles(CandleWindowing windowing) {
    super("ComputeCandles");
    this.windowing = windowing;
  }

  @Override
  public PCollection<Candle> expand(PCollection<KV<String, MidQuote>> quotes) {
    return quotes
        // Many ticks of a pair become one partial candle per bundle, so the windows below do
        // their per-element work once per partial, not once per tick.
        .apply(new CombineTicksInBundle(windowing.period()))
        .apply("SlidingWindows",
            Window.<KV<String, OhlcCombineFn.Accumulator>>into(
                    SlidingWindows.of(windowing.size()).every(windowing.period()))
                // Fire when the watermark passes the window end,
                .triggering(AfterWatermark.pastEndOfWindow()
                    // early, a short delay after the first tick of each pane,
                    .withEarlyFirings(AfterProcessingTime.pastFirstElementInPane()
                        .plusDelayOf(windowing.earlyFiringDelay()))
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

  /** Attaches the window bounds and whether the pane is final. */
  static final class ToCandleFn extends DoFn<KV<String, Ohlc>, Candle> {
    @ProcessElement
    public void process(
        @Element KV<String, Ohlc> e, IntervalWindow window, PaneInfo pane,
        OutputReceiver<Candle> out) {
      Ohlc o = e.getValue();
      // On-time and late panes come after the watermark passed the window end.
      boolean isFinal = pane.getTiming() != PaneInfo.Timing.EARLY;
      out.output(new Candle(
          e.getKey(), window.start().getMillis(), window.end().getMillis(),
          o.open(), o.high(), o.low(), o.close(), o.tickCount(), o.lastEventTimeMillis(), isFinal));
    }
  }
}
