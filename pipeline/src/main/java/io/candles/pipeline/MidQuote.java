package io.candles.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.util.VarInt;

/**
 * One accepted tick reduced to what a candle needs: its exact mid price and where it sits in
 * event time and in Kafka (partition, offset), which breaks ties on event time.
 *
 * @param eventTimeMillis the tick's event time, epoch milliseconds UTC
 * @param mid the mid price in 10^-9 units (see {@link io.candles.contract.Prices})
 * @param partition the Kafka partition it was read from
 * @param offset its offset in that partition
 */
public record MidQuote(long eventTimeMillis, long mid, int partition, long offset) {

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

  /** A compact, deterministic coder: four variable-length integers. */
  public static final class Coder extends AtomicCoder<MidQuote> {
    private static final Coder INSTANCE = new Coder();

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(MidQuote q, OutputStream out) throws IOException {
      VarInt.encode(q.eventTimeMillis, out);
      VarInt.encode(q.mid, out);
      VarInt.encode(q.partition, out);
      VarInt.encode(q.offset, out);
    }

    @Override
    public MidQuote decode(InputStream in) throws IOException {
      return new MidQuote(
          VarInt.decodeLong(in), VarInt.decodeLong(in), VarInt.decodeInt(in), VarInt.decodeLong(in));
    }

    @Override
    public void verifyDeterministic() {}

    @Override
    public boolean consistentWithEquals() {
      return true;
    }
  }
}
