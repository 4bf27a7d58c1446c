package io.candles.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.util.VarInt;

/**
 * The open, high, low and close mid prices (10^-9 units) of one window, its tick count, and the
 * event time of its closing tick (how fresh the candle is). Immutable: it is what
 * {@link OhlcCombineFn} emits for a pane.
 */
public record Ohlc(long open, long high, long low, long close, long tickCount,
    long lastEventTimeMillis) {

  /** A compact, deterministic coder. */
  public static final class Coder extends AtomicCoder<Ohlc> {
    private static final Coder INSTANCE = new Coder();

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(Ohlc o, OutputStream out) throws IOException {
      VarInt.encode(o.open, out);
      VarInt.encode(o.high, out);
      VarInt.encode(o.low, out);
      VarInt.encode(o.close, out);
      VarInt.encode(o.tickCount, out);
      VarInt.encode(o.lastEventTimeMillis, out);
    }

    @Override
    public Ohlc decode(InputStream in) throws IOException {
      return new Ohlc(
          VarInt.decodeLong(in), VarInt.decodeLong(in), VarInt.decodeLong(in),
          VarInt.decodeLong(in), VarInt.decodeLong(in), VarInt.decodeLong(in));
    }

    @Override
    public void verifyDeterministic() {}

    @Override
    public boolean consistentWithEquals() {
      return true;
    }
  }
}
