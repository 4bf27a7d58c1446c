package io.candles.pipeline;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Combines the quotes of each pair and each time slice within a bundle into one partial candle
 * ({@link OhlcCombineFn.Accumulator}), before the sliding windows.
 *
 * <p>Why: every tick falls into size/period sliding windows (five by default), and a windowed
 * GroupByKey pays per element and per window for state, trigger bookkeeping and watermark holds,
 * far more than the combine itself costs. Runners lift a {@code Combine} into the bundles ahead of
 * the shuffle in batch, but the Flink and Direct runners do not in streaming, so it is done here:
 * the N ticks of one pair and slice in a bundle become one element for the windows.
 *
 * <p>Why it is exact: a slice is one window period, aligned as {@code SlidingWindows} aligns its
 * windows (the size is a whole number of periods), so all ticks of a slice belong to exactly the
 * same windows; the partial carries its earliest tick's timestamp, so it is assigned those windows;
 * merging is insensitive to order and grouping ({@link OhlcCombineFn}); whether an element is
 * late, or droppably late, is decided per window (its end against the watermark), not by the
 * element's own timestamp; and runners neither advance the watermark downstream of a bundle in
 * progress nor checkpoint inside one, so a partial is never behind a watermark its ticks were
 * ahead of, and a restored job has either all of a bundle's ticks in window state or none.
 *
 * <p>Cost on latency: a tick waits for its partial to be passed on: at the end of the runner's
 * bundle, or, with an {@code interval}, as soon as a tick arrives when the oldest partial held is
 * that old. Beam's Flink runner ends a bundle only at a check every half of its time cap, so its
 * bundles last one or one and a half times the cap; the interval is the pipeline's own clock, and
 * it bounds the wait on a busy stream (on a quiet one the bundle's end still does).
 *
 * <p>Passing partials on within a bundle is as exact as at its end: the runner still advances no
 * watermark downstream of a bundle in progress and takes no checkpoint inside one, so only the
 * partials get smaller.
 */
public final class CombineTicksInBundle
    extends PTransform<PCollection<KV<String, Quote>>, PCollection<KV<String, OhlcCombineFn.Accumulator>>> {
  // The value the JVM derived before it was declared: savepoints taken since stay readable.
  private static final long serialVersionUID = 4052970490799947757L;

  private final long sliceMillis;
  private final long windowMillis;
  private final long intervalNanos;

  /** Partials passed on only at the end of each of the runner's bundles. */
  public CombineTicksInBundle(Duration slice, Duration window) {
    this(slice, window, Duration.ZERO);
  }

  /**
   * @param slice the windows' period: ticks of one pair in one slice share all their windows
   * @param window the windows' size: how far back the spread before a tick can be in its windows
   * @param interval pass the partials on when a tick arrives and the oldest held is this old, as
   *     well as at the end of each bundle; zero for only the latter
   */
  public CombineTicksInBundle(Duration slice, Duration window, Duration interval) {
    this(slice, window, interval.getMillis() * 1_000_000L);
  }

  /** As above, with the interval in nanoseconds: tests pass partials on at nearly every tick. */
  CombineTicksInBundle(Duration slice, Duration window, long intervalNanos) {
    super("CombineTicksInBundle");
    if (intervalNanos < 0) {
      throw new IllegalArgumentException("the interval must not be negative");
    }
    this.sliceMillis = slice.getMillis();
    this.windowMillis = window.getMillis();
    this.intervalNanos = intervalNanos;
  }

  @Override
  public PCollection<KV<String, OhlcCombineFn.Accumulator>> expand(
      PCollection<KV<String, Quote>> quotes) {
    if (!(quotes.getWindowingStrategy().getWindowFn() instanceof GlobalWindows)) {
      throw new IllegalArgumentException("CombineTicksInBundle runs before windowing, on the global"
          + " window; got " + quotes.getWindowingStrategy().getWindowFn());
    }
    return quotes
        // The step name from before the DoFn's rename (Beam names a ParDo after its DoFn): a Flink
        // savepoint knows the steps by name.
        .apply("ParDo(Combine)", ParDo.of(new CombineInBundleFn(sliceMillis, windowMillis, intervalNanos)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), OhlcCombineFn.AccumulatorCoder.of()));
  }

  /** The slice a timestamp falls in, by its start; floor division so pre-1970 times work too. */
  static long sliceOf(long timestampMillis, long sliceMillis) {
    return Math.floorDiv(timestampMillis, sliceMillis);
  }

  /** The DoFn that combines each bundle's quotes per pair and slice into partial candles. */
  static final class CombineInBundleFn extends DoFn<KV<String, Quote>, KV<String, OhlcCombineFn.Accumulator>> {
    // The value the JVM derived before it was declared: savepoints taken since stay readable.
    private static final long serialVersionUID = -3472228980253609598L;

    /** Partials passed on within a bundle, because the oldest held had waited the interval. */
    static final Counter PASSED_ON_EARLY = Metrics.counter(CombineTicksInBundle.class, "partialsPassedOnWithinBundle");

    private final long sliceMillis;
    private final long windowMillis;
    private final long intervalNanos;
    /** Per pair, the partials of this bundle, one per slice: usually one or two. */
    private transient Map<String, List<Partial>> partials;
    /** Whether any partial is held, and since when ({@link System#nanoTime}). */
    private transient boolean holding;
    private transient long heldSince;

    CombineInBundleFn(long sliceMillis, long windowMillis, long intervalNanos) {
      this.sliceMillis = sliceMillis;
      this.windowMillis = windowMillis;
      this.intervalNanos = intervalNanos;
    }

    /**
     * Partials passed on within a bundle carry their earliest tick's timestamp, which may be before
     * the current tick's. That is safe for the reason a bundle's end is: no watermark moves
     * downstream while the bundle is in progress (see the class comment).
     */
    @SuppressWarnings("deprecation")
    @Override
    public Duration getAllowedTimestampSkew() {
      return Duration.millis(Long.MAX_VALUE);
    }

    /** A partial candle and the earliest element timestamp in it. */
    private static final class Partial {
      final long slice;
      final OhlcCombineFn.Accumulator accumulator = new OhlcCombineFn.Accumulator();
      long minTimestamp = Long.MAX_VALUE;

      Partial(long slice) {
        this.slice = slice;
      }
    }

    @StartBundle
    public void startBundle() {
      if (partials == null) {
        partials = new HashMap<>();
      }
    }

    @ProcessElement
    public void process(@Element KV<String, Quote> e, @Timestamp Instant timestamp,
        OutputReceiver<KV<String, OhlcCombineFn.Accumulator>> out) {
      add(e, timestamp.getMillis());
      if (intervalNanos > 0) {
        long now = System.nanoTime();
        if (!holding) {
          holding = true;
          heldSince = now;
        } else if (now - heldSince >= intervalNanos) {
          for (Map.Entry<String, List<Partial>> pair : partials.entrySet()) {
            for (Partial p : pair.getValue()) {
              out.outputWithTimestamp(KV.of(pair.getKey(), p.accumulator), new Instant(p.minTimestamp));
              PASSED_ON_EARLY.inc();
            }
          }
          partials.clear();
          holding = false;
        }
      }
    }

    private void add(KV<String, Quote> e, long ts) {
      long slice = sliceOf(ts, sliceMillis);
      List<Partial> ofPair = partials.get(e.getKey());
      if (ofPair == null) {
        ofPair = new ArrayList<>(2);
        partials.put(e.getKey(), ofPair);
      }
      Partial partial = null;
      for (int i = 0; i < ofPair.size(); i++) {
        if (ofPair.get(i).slice == slice) {
          partial = ofPair.get(i);
          break;
        }
      }
      if (partial == null) {
        partial = new Partial(slice);
        ofPair.add(partial);
      }
      partial.accumulator.add(e.getValue());
      // The earliest window holding the tick starts size - period before the tick's slice.
      partial.accumulator.addSpreadTime(e.getValue(), sliceMillis, (slice + 1) * sliceMillis - windowMillis);
      if (ts < partial.minTimestamp) {
        partial.minTimestamp = ts;
      }
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      for (Map.Entry<String, List<Partial>> pair : partials.entrySet()) {
        for (Partial p : pair.getValue()) {
          context.output(KV.of(pair.getKey(), p.accumulator), new Instant(p.minTimestamp),
              GlobalWindow.INSTANCE);
        }
      }
      // Fresh partials next bundle: the emitted ones now belong downstream and are never touched.
      partials.clear();
      holding = false;
    }
  }
}
