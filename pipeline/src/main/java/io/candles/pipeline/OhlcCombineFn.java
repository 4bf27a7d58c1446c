package io.candles.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CannotProvideCoderException;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.util.VarInt;

/**
 * Combines the mid quotes of one pair in one window into its candle.
 *
 * <p>Open and close are the quotes first and last in the contract's order (event time, then Kafka
 * partition and offset), so the result depends only on the set of quotes: adding them in any
 * order, or merging partial accumulators in any grouping, gives the same candle. That is what
 * lets runners lift the combine before the shuffle and replay it after a failure.
 */
public final class OhlcCombineFn extends CombineFn<MidQuote, OhlcCombineFn.Accumulator, Ohlc> {

  @Override
  public Accumulator createAccumulator() {
    return new Accumulator();
  }

  @Override
  public Accumulator addInput(Accumulator acc, MidQuote q) {
    acc.add(q.eventTimeMillis(), q.partition(), q.offset(), q.mid());
    return acc;
  }

  @Override
  public Accumulator mergeAccumulators(Iterable<Accumulator> accumulators) {
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
  public Ohlc extractOutput(Accumulator acc) {
    return new Ohlc(acc.openPrice, acc.high, acc.low, acc.closePrice, acc.count, acc.closeTime);
  }

  @Override
  public org.apache.beam.sdk.coders.Coder<Accumulator> getAccumulatorCoder(
      CoderRegistry registry, org.apache.beam.sdk.coders.Coder<MidQuote> inputCoder)
      throws CannotProvideCoderException {
    return AccumulatorCoder.INSTANCE;
  }

  @Override
  public org.apache.beam.sdk.coders.Coder<Ohlc> getDefaultOutputCoder(
      CoderRegistry registry, org.apache.beam.sdk.coders.Coder<MidQuote> inputCoder) {
    return Ohlc.Coder.of();
  }

  /**
   * The same combine over partial candles instead of single quotes, for the windows after
   * {@link CombineTicksInBundle}: adding a partial is merging it.
   */
  public static OfPartials ofPartials() {
    return new OfPartials();
  }

  /** See {@link #ofPartials()}. Never mutates its inputs: they may still be referenced upstream. */
  public static final class OfPartials extends CombineFn<Accumulator, Accumulator, Ohlc> {
    private final OhlcCombineFn fn = new OhlcCombineFn();

    @Override
    public Accumulator createAccumulator() {
      return new Accumulator();
    }

    @Override
    public Accumulator addInput(Accumulator acc, Accumulator partial) {
      acc.merge(partial);
      return acc;
    }

    @Override
    public Accumulator mergeAccumulators(Iterable<Accumulator> accumulators) {
      return fn.mergeAccumulators(accumulators);
    }

    @Override
    public Ohlc extractOutput(Accumulator acc) {
      return fn.extractOutput(acc);
    }

    @Override
    public org.apache.beam.sdk.coders.Coder<Accumulator> getAccumulatorCoder(
        CoderRegistry registry, org.apache.beam.sdk.coders.Coder<Accumulator> inputCoder) {
      return AccumulatorCoder.INSTANCE;
    }

    @Override
    public org.apache.beam.sdk.coders.Coder<Ohlc> getDefaultOutputCoder(
        CoderRegistry registry, org.apache.beam.sdk.coders.Coder<Accumulator> inputCoder) {
      return Ohlc.Coder.of();
    }
  }

  /**
   * The running candle. Mutable, so adding a quote allocates nothing; an empty accumulator has
   * {@code count == 0} and its other fields are meaningless.
   */
  public static final class Accumulator {
    long count;
    long openTime;
    int openPartition;
    long openOffset;
    long openPrice;
    long closeTime;
    int closePartition;
    long closeOffset;
    long closePrice;
    long high;
    long low;

    void add(long time, int partition, long offset, long price) {
      if (count == 0) {
        openTime = closeTime = time;
        openPartition = closePartition = partition;
        openOffset = closeOffset = offset;
        openPrice = closePrice = high = low = price;
        count = 1;
        return;
      }
      count++;
      if (MidQuote.compareOrder(time, partition, offset, openTime, openPartition, openOffset) < 0) {
        openTime = time;
        openPartition = partition;
        openOffset = offset;
        openPrice = price;
      }
      if (MidQuote.compareOrder(time, partition, offset, closeTime, closePartition, closeOffset) > 0) {
        closeTime = time;
        closePartition = partition;
        closeOffset = offset;
        closePrice = price;
      }
      high = Math.max(high, price);
      low = Math.min(low, price);
    }

    void merge(Accumulator o) {
      if (o.count == 0) {
        return;
      }
      if (count == 0) {
        copyFrom(o);
        return;
      }
      count += o.count;
      if (MidQuote.compareOrder(o.openTime, o.openPartition, o.openOffset,
          openTime, openPartition, openOffset) < 0) {
        openTime = o.openTime;
        openPartition = o.openPartition;
        openOffset = o.openOffset;
        openPrice = o.openPrice;
      }
      if (MidQuote.compareOrder(o.closeTime, o.closePartition, o.closeOffset,
          closeTime, closePartition, closeOffset) > 0) {
        closeTime = o.closeTime;
        closePartition = o.closePartition;
        closeOffset = o.closeOffset;
        closePrice = o.closePrice;
      }
      high = Math.max(high, o.high);
      low = Math.min(low, o.low);
    }

    private void copyFrom(Accumulator o) {
      count = o.count;
      openTime = o.openTime;
      openPartition = o.openPartition;
      openOffset = o.openOffset;
      openPrice = o.openPrice;
      closeTime = o.closeTime;
      closePartition = o.closePartition;
      closeOffset = o.closeOffset;
      closePrice = o.closePrice;
      high = o.high;
      low = o.low;
    }

    @Override
    public boolean equals(Object other) {
      if (!(other instanceof Accumulator)) {
        return false;
      }
      Accumulator o = (Accumulator) other;
      if (count != o.count) {
        return false;
      }
      return count == 0
          || (openTime == o.openTime && openPartition == o.openPartition
              && openOffset == o.openOffset && openPrice == o.openPrice
              && closeTime == o.closeTime && closePartition == o.closePartition
              && closeOffset == o.closeOffset && closePrice == o.closePrice
              && high == o.high && low == o.low);
    }

    @Override
    public int hashCode() {
      return count == 0 ? 0 : Objects.hash(count, openTime, openOffset, closeTime, closeOffset, high, low);
    }

    @Override
    public String toString() {
      return count == 0 ? "Accumulator{empty}"
          : "Accumulator{count=" + count + ", open=" + openPrice + "@" + openTime + "/" + openPartition
              + ":" + openOffset + ", close=" + closePrice + "@" + closeTime + "/" + closePartition
              + ":" + closeOffset + ", high=" + high + ", low=" + low + "}";
    }
  }

  /** Variable-length integers; an empty accumulator is one byte. Deterministic. */
  public static final class AccumulatorCoder extends AtomicCoder<Accumulator> {
    static final AccumulatorCoder INSTANCE = new AccumulatorCoder();

    public static AccumulatorCoder of() {
      return INSTANCE;
    }

    @Override
    public void encode(Accumulator a, OutputStream out) throws IOException {
      VarInt.encode(a.count, out);
      if (a.count == 0) {
        return;
      }
      VarInt.encode(a.openTime, out);
      VarInt.encode(a.openPartition, out);
      VarInt.encode(a.openOffset, out);
      VarInt.encode(a.openPrice, out);
      VarInt.encode(a.closeTime, out);
      VarInt.encode(a.closePartition, out);
      VarInt.encode(a.closeOffset, out);
      VarInt.encode(a.closePrice, out);
      VarInt.encode(a.high, out);
      VarInt.encode(a.low, out);
    }

    @Override
    public Accumulator decode(InputStream in) throws IOException {
      Accumulator a = new Accumulator();
      a.count = VarInt.decodeLong(in);
      if (a.count == 0) {
        return a;
      }
      a.openTime = VarInt.decodeLong(in);
      a.openPartition = VarInt.decodeInt(in);
      a.openOffset = VarInt.decodeLong(in);
      a.openPrice = VarInt.decodeLong(in);
      a.closeTime = VarInt.decodeLong(in);
      a.closePartition = VarInt.decodeInt(in);
      a.closeOffset = VarInt.decodeLong(in);
      a.closePrice = VarInt.decodeLong(in);
      a.high = VarInt.decodeLong(in);
      a.low = VarInt.decodeLong(in);
      return a;
    }

    @Override
    public void verifyDeterministic() {}
  }
}
