package io.candles.pipeline;

import io.candles.contract.Prices;
import io.candles.pipeline.OhlcCombineFn.Accumulator;
import io.candles.pipeline.OhlcCombineFn.AccumulatorCoder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.transforms.Combine.CombineFn;

/**
 * What both combines share: the accumulator, how accumulators merge, the candle they give, and
 * their coders; they differ only in what they add (a quote, or a partial candle).
 */
public abstract class CandleCombineFn<InputT> extends CombineFn<InputT, Accumulator, Ohlc> {
  private static final long serialVersionUID = 1L;

  @Override
  public final Accumulator createAccumulator() {
    return new Accumulator();
  }

  @Override
  public final Accumulator mergeAccumulators(Iterable<Accumulator> accumulators) {
    Accumulator merged = null;
    for (Accumulator a : accumulators) {
      if (merged == null) {
        merged = a;
      } else {
        merged.merge(a);
      }
    }
    return merged == null ? new Accumulator() : merged;
  }

  @Override
  public final Ohlc extractOutput(Accumulator a) {
    return new Ohlc(
        new Bar(Prices.mid(a.openBid, a.openAsk), a.midHigh, a.midLow, Prices.mid(a.closeBid, a.closeAsk)),
        new Bar(a.openBid, a.bidHigh, a.bidLow, a.closeBid),
        new Bar(a.openAsk, a.askHigh, a.askLow, a.closeAsk),
        a.spreadMin, a.spreadMax, a.spreadSum, a.count, a.closeTime, a.closeIngest, a.gapMillis(), a.gapCount(),
        SpreadTime.of(a.spreadTime));
  }

  @Override
  public final org.apache.beam.sdk.coders.Coder<Accumulator> getAccumulatorCoder(
      CoderRegistry registry, org.apache.beam.sdk.coders.Coder<InputT> inputCoder) {
    return AccumulatorCoder.INSTANCE;
  }

  @Override
  public final org.apache.beam.sdk.coders.Coder<Ohlc> getDefaultOutputCoder(
      CoderRegistry registry, org.apache.beam.sdk.coders.Coder<InputT> inputCoder) {
    return Ohlc.Coder.of();
  }
}
