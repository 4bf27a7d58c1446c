package io.candles.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.util.VarInt;

/**
 * Combines the quotes (and feed gaps) of one pair in one window into its candle.
 *
 * <p>Open and close are the quotes first and last in the contract's order (event time, then Kafka
 * partition and offset), so the result depends only on the set of quotes: adding them in any
 * order, or merging partial accumulators in any grouping, gives the same candle. That is what
 * lets runners lift the combine before the shuffle and replay it after a failure.
 */
public final class OhlcCombineFn extends CandleCombineFn<Quote> {
  // The value the JVM derived before it was declared: savepoints taken since stay readable.
  private static final long serialVersionUID = 6879222188978908533L;

  @Override
  public Accumulator addInput(Accumulator acc, Quote q) {
    acc.add(q);
    return acc;
  }

  /**
   * The same combine over partial candles instead of single quotes, for the windows after
   * {@link CombineTicksInBundle}: adding a partial is merging it.
   */
  public static OfPartials ofPartials() {
    return new OfPartials();
  }

  /** See {@link #ofPartials()}. Never mutates its inputs: they may still be referenced upstream. */
  public static final class OfPartials extends CandleCombineFn<OhlcCombineFn.Accumulator> {
    // The value the JVM derived before it was declared: savepoints taken since stay readable.
    private static final long serialVersionUID = -6551678192172379692L;

    @Override
    public Accumulator addInput(Accumulator acc, Accumulator partial) {
      acc.merge(partial);
      return acc;
    }
  }

  /**
   * The running candle. Mutable, so adding a quote allocates nothing; with {@code count == 0} its
   * tick fields are meaningless. Feed gaps are kept as their union: a sorted array of disjoint,
   * non-touching {@code [start, end)} intervals, null while there is none (gaps are rare). The
   * time each spread held is kept per slice ({@link SpreadTime}), null while there is none.
   */
  public static final class Accumulator {
    long count;
    long openTime;
    int openPartition;
    long openOffset;
    long openBid;
    long openAsk;
    long closeTime;
    int closePartition;
    long closeOffset;
    long closeBid;
    long closeAsk;
    long closeIngest;
    long midHigh;
    long midLow;
    long bidHigh;
    long bidLow;
    long askHigh;
    long askLow;
    long spreadMin;
    long spreadMax;
    long spreadSum;
    long[] gaps;
    long[] spreadTime;

    void add(Quote q) {
      long bid = q.bid();
      long ask = q.ask();
      long mid = q.mid();
      long spread = ask - bid;
      if (count == 0) {
        openTime = closeTime = q.eventTimeMillis();
        openPartition = closePartition = q.partition();
        openOffset = closeOffset = q.offset();
        openBid = closeBid = bidHigh = bidLow = bid;
        openAsk = closeAsk = askHigh = askLow = ask;
        closeIngest = q.ingestTimeMillis();
        midHigh = midLow = mid;
        spreadMin = spreadMax = spreadSum = spread;
        count = 1;
        return;
      }
      count++;
      if (Quote.compareOrder(q.eventTimeMillis(), q.partition(), q.offset(),
          openTime, openPartition, openOffset) < 0) {
        openTime = q.eventTimeMillis();
        openPartition = q.partition();
        openOffset = q.offset();
        openBid = bid;
        openAsk = ask;
      }
      if (Quote.compareOrder(q.eventTimeMillis(), q.partition(), q.offset(),
          closeTime, closePartition, closeOffset) > 0) {
        closeTime = q.eventTimeMillis();
        closePartition = q.partition();
        closeOffset = q.offset();
        closeBid = bid;
        closeAsk = ask;
        closeIngest = q.ingestTimeMillis();
      }
      midHigh = Math.max(midHigh, mid);
      midLow = Math.min(midLow, mid);
      bidHigh = Math.max(bidHigh, bid);
      bidLow = Math.min(bidLow, bid);
      askHigh = Math.max(askHigh, ask);
      askLow = Math.min(askLow, ask);
      spreadMin = Math.min(spreadMin, spread);
      spreadMax = Math.max(spreadMax, spread);
      spreadSum += spread;
    }

    /**
     * Adds the spread that held before quote {@code q}, if it says so, from no earlier than
     * {@code earliestMillis} (older time is in no window that holds the quote), cut at the slices
     * of {@code sliceMillis} ({@link SpreadTime}).
     */
    void addSpreadTime(Quote q, long sliceMillis, long earliestMillis) {
      if (q.hasPrevious()) {
        spreadTime = SpreadTime.add(spreadTime, sliceMillis, q.prevSpread(),
            Math.max(q.prevEventTimeMillis(), earliestMillis), q.eventTimeMillis());
      }
    }

    /** Adds the feed gap {@code [start, end)} to the union; an empty one changes nothing. */
    void addGap(long start, long end) {
      if (end <= start) {
        return;
      }
      if (gaps == null) {
        gaps = new long[] {start, end};
        return;
      }
      // Intervals ending before the new one starts, or starting after it ends, stay; the others
      // (overlapping or touching it) merge into it.
      long[] out = new long[gaps.length + 2];
      int n = 0;
      int i = 0;
      while (i < gaps.length && gaps[i + 1] < start) {
        out[n++] = gaps[i];
        out[n++] = gaps[i + 1];
        i += 2;
      }
      long s = start;
      long e = end;
      while (i < gaps.length && gaps[i] <= end) {
        s = Math.min(s, gaps[i]);
        e = Math.max(e, gaps[i + 1]);
        i += 2;
      }
      out[n++] = s;
      out[n++] = e;
      while (i < gaps.length) {
        out[n++] = gaps[i++];
      }
      gaps = n == out.length ? out : java.util.Arrays.copyOf(out, n);
    }

    /** The total length of the gaps, in milliseconds. */
    long gapMillis() {
      long total = 0;
      if (gaps != null) {
        for (int i = 0; i < gaps.length; i += 2) {
          total += gaps[i + 1] - gaps[i];
        }
      }
      return total;
    }

    int gapCount() {
      return gaps == null ? 0 : gaps.length / 2;
    }

    void merge(Accumulator o) {
      // Never shares o's array: entries are added to in place.
      spreadTime = SpreadTime.merge(spreadTime, o.spreadTime);
      if (o.gaps != null) {
        for (int i = 0; i < o.gaps.length; i += 2) {
          addGap(o.gaps[i], o.gaps[i + 1]);
        }
      }
      if (o.count == 0) {
        return;
      }
      if (count == 0) {
        copyTicksFrom(o);
        return;
      }
      count += o.count;
      if (Quote.compareOrder(o.openTime, o.openPartition, o.openOffset,
          openTime, openPartition, openOffset) < 0) {
        takeOpen(o);
      }
      if (Quote.compareOrder(o.closeTime, o.closePartition, o.closeOffset,
          closeTime, closePartition, closeOffset) > 0) {
        takeClose(o);
      }
      midHigh = Math.max(midHigh, o.midHigh);
      midLow = Math.min(midLow, o.midLow);
      bidHigh = Math.max(bidHigh, o.bidHigh);
      bidLow = Math.min(bidLow, o.bidLow);
      askHigh = Math.max(askHigh, o.askHigh);
      askLow = Math.min(askLow, o.askLow);
      spreadMin = Math.min(spreadMin, o.spreadMin);
      spreadMax = Math.max(spreadMax, o.spreadMax);
      spreadSum += o.spreadSum;
    }

    private void takeOpen(Accumulator o) {
      openTime = o.openTime;
      openPartition = o.openPartition;
      openOffset = o.openOffset;
      openBid = o.openBid;
      openAsk = o.openAsk;
    }

    private void takeClose(Accumulator o) {
      closeTime = o.closeTime;
      closePartition = o.closePartition;
      closeOffset = o.closeOffset;
      closeBid = o.closeBid;
      closeAsk = o.closeAsk;
      closeIngest = o.closeIngest;
    }

    private void copyTicksFrom(Accumulator o) {
      count = o.count;
      takeOpen(o);
      takeClose(o);
      midHigh = o.midHigh;
      midLow = o.midLow;
      bidHigh = o.bidHigh;
      bidLow = o.bidLow;
      askHigh = o.askHigh;
      askLow = o.askLow;
      spreadMin = o.spreadMin;
      spreadMax = o.spreadMax;
      spreadSum = o.spreadSum;
    }

    /** The fields that define the candle, in a fixed order: for equality and the coder. */
    private long[] tickFields() {
      return new long[] {openTime, openPartition, openOffset, openBid, openAsk, closeTime, closePartition,
          closeOffset, closeBid, closeAsk, closeIngest, midHigh, midLow, bidHigh, bidLow, askHigh, askLow,
          spreadMin, spreadMax, spreadSum};
    }

    @Override
    public boolean equals(Object other) {
      if (!(other instanceof Accumulator o)) {
        return false;
      }
      return count == o.count && java.util.Arrays.equals(gaps, o.gaps)
          && java.util.Arrays.equals(spreadTime, o.spreadTime)
          && (count == 0 || java.util.Arrays.equals(tickFields(), o.tickFields()));
    }

    @Override
    public int hashCode() {
      return ((count == 0 ? 0 : java.util.Arrays.hashCode(tickFields())) * 31 + java.util.Arrays.hashCode(gaps)) * 31
          + java.util.Arrays.hashCode(spreadTime);
    }

    @Override
    public String toString() {
      String g = (gaps == null ? "" : ", gaps=" + java.util.Arrays.toString(gaps))
          + (spreadTime == null ? "" : ", " + SpreadTime.of(spreadTime));
      return count == 0 ? "Accumulator{empty" + g + "}"
          : "Accumulator{count=" + count + ", open=" + openBid + "/" + openAsk + "@" + openTime + "/"
              + openPartition + ":" + openOffset + ", close=" + closeBid + "/" + closeAsk + "@" + closeTime
              + "/" + closePartition + ":" + closeOffset + ", mid high=" + midHigh + ", low=" + midLow + g + "}";
    }
  }

  /** Variable-length integers; an empty accumulator is three bytes. Deterministic. */
  public static final class AccumulatorCoder extends AtomicCoder<Accumulator> {
    // Changed with the time-weighted spread: state written by the earlier coders is refused.
    private static final long serialVersionUID = -3199407879032117462L;

    static final AccumulatorCoder INSTANCE = new AccumulatorCoder();

    public static AccumulatorCoder of() {
      return INSTANCE;
    }

    @Override
    public void encode(Accumulator a, OutputStream out) throws IOException {
      VarInt.encode(a.count, out);
      if (a.count > 0) {
        // Field by field, in tickFields() order, without its array: this runs for every partial.
        VarInt.encode(a.openTime, out);
        VarInt.encode(a.openPartition, out);
        VarInt.encode(a.openOffset, out);
        VarInt.encode(a.openBid, out);
        VarInt.encode(a.openAsk, out);
        VarInt.encode(a.closeTime, out);
        VarInt.encode(a.closePartition, out);
        VarInt.encode(a.closeOffset, out);
        VarInt.encode(a.closeBid, out);
        VarInt.encode(a.closeAsk, out);
        VarInt.encode(a.closeIngest, out);
        VarInt.encode(a.midHigh, out);
        VarInt.encode(a.midLow, out);
        VarInt.encode(a.bidHigh, out);
        VarInt.encode(a.bidLow, out);
        VarInt.encode(a.askHigh, out);
        VarInt.encode(a.askLow, out);
        VarInt.encode(a.spreadMin, out);
        VarInt.encode(a.spreadMax, out);
        VarInt.encode(a.spreadSum, out);
      }
      if (a.gaps == null) {
        VarInt.encode(0, out);
      } else {
        VarInt.encode(a.gaps.length / 2, out);
        for (long v : a.gaps) {
          VarInt.encode(v, out);
        }
      }
      SpreadTime.encode(a.spreadTime, out);
    }

    @Override
    public Accumulator decode(InputStream in) throws IOException {
      Accumulator a = new Accumulator();
      a.count = VarInt.decodeLong(in);
      if (a.count > 0) {
        a.openTime = VarInt.decodeLong(in);
        a.openPartition = VarInt.decodeInt(in);
        a.openOffset = VarInt.decodeLong(in);
        a.openBid = VarInt.decodeLong(in);
        a.openAsk = VarInt.decodeLong(in);
        a.closeTime = VarInt.decodeLong(in);
        a.closePartition = VarInt.decodeInt(in);
        a.closeOffset = VarInt.decodeLong(in);
        a.closeBid = VarInt.decodeLong(in);
        a.closeAsk = VarInt.decodeLong(in);
        a.closeIngest = VarInt.decodeLong(in);
        a.midHigh = VarInt.decodeLong(in);
        a.midLow = VarInt.decodeLong(in);
        a.bidHigh = VarInt.decodeLong(in);
        a.bidLow = VarInt.decodeLong(in);
        a.askHigh = VarInt.decodeLong(in);
        a.askLow = VarInt.decodeLong(in);
        a.spreadMin = VarInt.decodeLong(in);
        a.spreadMax = VarInt.decodeLong(in);
        a.spreadSum = VarInt.decodeLong(in);
      }
      int intervals = VarInt.decodeInt(in);
      if (intervals > 0) {
        a.gaps = new long[intervals * 2];
        for (int i = 0; i < a.gaps.length; i++) {
          a.gaps[i] = VarInt.decodeLong(in);
        }
      }
      a.spreadTime = SpreadTime.decode(in);
      return a;
    }

    @Override
    public void verifyDeterministic() {}
  }
}
