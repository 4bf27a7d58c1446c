package io.candles.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.util.VarInt;

/**
 * One state of one row of the candle table: a pair's OHLC over {@code [openTime, closeTime)}, as
 * of one pane. Prices are mid prices in 10^-9 units (see {@link io.candles.contract.Prices}).
 *
 * @param lastEventTimeMillis event time of the window's closing tick: how fresh the candle is
 * @param isFinal true once the watermark has passed the window end (on-time and late panes)
 */
public record Candle(
    String pair,
    long openTimeMillis,
    long closeTimeMillis,
    long open,
    long high,
    long low,
    long close,
    long tickCount,
    long lastEventTimeMillis,
    boolean isFinal) {

  /** A compact, deterministic coder. */
  public static final class Coder extends AtomicCoder<Candle> {
    private static final Coder INSTANCE = new Coder();
    private static final StringUtf8Coder STRING = StringUtf8Coder.of();

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(Candle c, OutputStream out) throws IOException {
      STRING.encode(c.pair, out);
      VarInt.encode(c.openTimeMillis, out);
      // The close time is stored as the window length: a few bytes instead of eight.
      VarInt.encode(c.closeTimeMillis - c.openTimeMillis, out);
      VarInt.encode(c.open, out);
      VarInt.encode(c.high, out);
      VarInt.encode(c.low, out);
      VarInt.encode(c.close, out);
      VarInt.encode(c.tickCount, out);
      VarInt.encode(c.lastEventTimeMillis, out);
      out.write(c.isFinal ? 1 : 0);
    }

    @Override
    public Candle decode(InputStream in) throws IOException {
      String pair = STRING.decode(in);
      long openTime = VarInt.decodeLong(in);
      long closeTime = openTime + VarInt.decodeLong(in);
      long open = VarInt.decodeLong(in);
      long high = VarInt.decodeLong(in);
      long low = VarInt.decodeLong(in);
      long close = VarInt.decodeLong(in);
      long count = VarInt.decodeLong(in);
      long lastEventTime = VarInt.decodeLong(in);
      int flag = in.read();
      if (flag < 0) {
        throw new java.io.EOFException("truncated Candle");
      }
      return new Candle(pair, openTime, closeTime, open, high, low, close, count, lastEventTime,
          flag == 1);
    }

    @Override
    public void verifyDeterministic() {}

    @Override
    public boolean consistentWithEquals() {
      return true;
    }
  }
}
