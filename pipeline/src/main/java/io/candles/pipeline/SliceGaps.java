package io.candles.pipeline;

import io.candles.contract.Gap;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Cuts each feed gap at the windows' period boundaries into partial candles that hold only that
 * piece of the gap, each stamped at the piece's start.
 *
 * <p>Why: a window takes an element by its timestamp, but a gap is an interval that may overlap
 * windows holding neither of its ends. A piece inside one period overlaps exactly the windows that
 * hold its start (windows are whole periods, aligned), so, stamped there, every window that
 * overlaps the gap gets the part of it inside the window, and no other. Pieces of one gap touch,
 * and the combine takes the union ({@link OhlcCombineFn.Accumulator#addGap}), so a window sees
 * each gap once, however it was cut or reported.
 */
public final class SliceGaps
    extends PTransform<PCollection<KV<String, Gap>>, PCollection<KV<String, OhlcCombineFn.Accumulator>>> {
  private static final long serialVersionUID = 1L;

  private final long sliceMillis;

  /** @param slice the windows' period */
  public SliceGaps(Duration slice) {
    super("SliceGaps");
    this.sliceMillis = slice.getMillis();
  }

  @Override
  public PCollection<KV<String, OhlcCombineFn.Accumulator>> expand(PCollection<KV<String, Gap>> gaps) {
    return gaps.apply("CutAtPeriods", ParDo.of(new SliceFn(sliceMillis)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), OhlcCombineFn.AccumulatorCoder.of()));
  }

  static final class SliceFn extends DoFn<KV<String, Gap>, KV<String, OhlcCombineFn.Accumulator>> {
    private static final long serialVersionUID = 1L;

    private final long sliceMillis;

    SliceFn(long sliceMillis) {
      this.sliceMillis = sliceMillis;
    }

    @ProcessElement
    public void process(@Element KV<String, Gap> e, OutputReceiver<KV<String, OhlcCombineFn.Accumulator>> out) {
      Gap gap = e.getValue();
      long start = gap.startMillis();
      while (start < gap.endMillis()) {
        long sliceEnd = (Math.floorDiv(start, sliceMillis) + 1) * sliceMillis;
        long end = Math.min(sliceEnd, gap.endMillis());
        OhlcCombineFn.Accumulator piece = new OhlcCombineFn.Accumulator();
        piece.addGap(start, end);
        // Never earlier than the element's own timestamp (the gap's start): allowed.
        out.outputWithTimestamp(KV.of(e.getKey(), piece), new Instant(start));
        start = end;
      }
    }
  }
}
