package io.candles.pipeline;

import io.candles.contract.Prices;
import io.candles.contract.Tick;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.util.VarInt;

/**
 * One accepted tick reduced to what a candle needs: its exact bid and ask, when it happened and
 * was received, and where it sits in Kafka (partition, offset), which breaks ties on event time.
 *
 * @param eventTimeMillis the tick's event time, epoch milliseconds UTC
 * @param ingestTimeMillis when the ingester received it, or {@link Tick#NO_TIME}
 * @param bid the best bid in 10^-8 units (see {@link Prices})
 * @param ask the best ask in 10^-8 units
 * @param partition the Kafka partition it was read from
 * @param offset its offset in that partition
 * @param prevSpread the spread that held before it, since {@code prevEventTimeMillis}, in 10^-8
 *     units, or {@link Tick#NO_SPREAD} (see {@link Tick#prevSpread()})
 * @param prevEventTimeMillis since when, at most the event time, or {@link Tick#NO_TIME}
 */
public record Quote(long eventTimeMillis, long ingestTimeMillis, long bid, long ask, int partition,
    long offset, long prevSpread, long prevEventTimeMillis) {

  /** Only a spread with its time, up to the quote's own, says what held before it. */
  public Quote {
    if (prevSpread < 0 || prevEventTimeMillis == Tick.NO_TIME || prevEventTimeMillis > eventTimeMillis) {
      prevSpread = Tick.NO_SPREAD;
      prevEventTimeMillis = Tick.NO_TIME;
    }
  }

  /** A quote that says nothing of the spread before it. */
  public Quote(long eventTimeMillis, long ingestTimeMillis, long bid, long ask, int partition, long offset) {
    this(eventTimeMillis, ingestTimeMillis, bid, ask, partition, offset, Tick.NO_SPREAD, Tick.NO_TIME);
  }

  /** Whether it says which spread held before it, and since when. */
  public boolean hasPrevious() {
    return prevSpread != Tick.NO_SPREAD && prevEventTimeMillis != Tick.NO_TIME;
  }

  /** The exact mid price in 10^-9 units. */
  public long mid() {
    return Prices.mid(bid, ask);
  }

  /** The spread, ask - bid, in 10^-8 units. */
  public long spread() {
    return ask - bid;
  }

  /**
   * Orders quotes as the contract orders ticks within a window: by event time, ties broken by
   * Kafka order (partition, then offset).
   */
  public static int compareOrder(
      long timeA, int partitionA, long offsetA, long timeB, int partitionB, long offsetB) {
    int c = Long.compare(timeA, timeB);
    if (c != 0) {
      return c;
    }
    c = Integer.compare(partitionA, partitionB);
    return c != 0 ? c : Long.compare(offsetA, offsetB);
  }

  /**
   * A compact, deterministic coder: variable-length integers (a missing ingest time as 0; the
   * previous spread as how long it held, plus one, then the spread, or a single 0 when absent).
   */
  public static final class Coder extends AtomicCoder<Quote> {
    // Changed with the previous spread: a quote written by the earlier coder is refused.
    private static final long serialVersionUID = 2L;

    private static final Coder INSTANCE = new Coder();

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(Quote q, OutputStream out) throws IOException {
      VarInt.encode(q.eventTimeMillis, out);
      // The receive time as its distance from the event time (zigzag, as it may be negative when
      // clocks disagree; 0 when absent): one or two bytes, not eight.
      long delta = q.ingestTimeMillis - q.eventTimeMillis;
      VarInt.encode(q.ingestTimeMillis == Tick.NO_TIME ? 0 : ((delta << 1) ^ (delta >> 63)) + 1, out);
      VarInt.encode(q.bid, out);
      VarInt.encode(q.ask - q.bid, out);
      VarInt.encode(q.partition, out);
      VarInt.encode(q.offset, out);
      if (q.hasPrevious()) {
        VarInt.encode(q.eventTimeMillis - q.prevEventTimeMillis + 1, out);
        VarInt.encode(q.prevSpread, out);
      } else {
        VarInt.encode(0L, out);
      }
    }

    @Override
    public Quote decode(InputStream in) throws IOException {
      long eventTime = VarInt.decodeLong(in);
      long zigzag = VarInt.decodeLong(in) - 1;
      long ingest = zigzag == -1 ? Tick.NO_TIME
          : eventTime + ((zigzag >>> 1) ^ -(zigzag & 1));
      long bid = VarInt.decodeLong(in);
      long ask = bid + VarInt.decodeLong(in);
      int partition = VarInt.decodeInt(in);
      long offset = VarInt.decodeLong(in);
      long held = VarInt.decodeLong(in) - 1;
      return held < 0 ? new Quote(eventTime, ingest, bid, ask, partition, offset)
          : new Quote(eventTime, ingest, bid, ask, partition, offset, VarInt.decodeLong(in), eventTime - held);
    }

    @Override
    public void verifyDeterministic() {}

    @Override
    public boolean consistentWithEquals() {
      return true;
    }
  }
}
