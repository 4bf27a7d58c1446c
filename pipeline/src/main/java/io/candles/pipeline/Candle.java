package io.candles.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.util.VarInt;

/**
 * One state of one row of the candle table: a pair's candle over {@code [openTime, closeTime)},
 * as of one pane.
 *
 * @param ohlc the mid's OHLC and the candle's quality fields
 * @param isFinal true once the watermark has passed the window end (on-time and late panes)
 */
public record Candle(
    String pair,
    long openTimeMillis,
    long closeTimeMillis,
    Ohlc ohlc,
    boolean isFinal) {

  /** The mid price of the window's first tick, 10^-9 units. */
  public long open() {
    return ohlc.mid().open();
  }

  /** The highest mid price, 10^-9 units. */
  public long high() {
    return ohlc.mid().high();
  }

  /** The lowest mid price, 10^-9 units. */
  public long low() {
    return ohlc.mid().low();
  }

  /** The mid price of the window's last tick, 10^-9 units. */
  public long close() {
    return ohlc.mid().close();
  }

  public long tickCount() {
    return ohlc.tickCount();
  }

  /** Event time of the window's closing tick: how fresh the candle is. */
  public long lastEventTimeMillis() {
    return ohlc.lastEventTimeMillis();
  }

  /** A compact, deterministic coder. */
  public static final class Coder extends AtomicCoder<Candle> {
    // Changed with the quality fields (issue 16): state written by the mid-only coder is refused.
    private static final long serialVersionUID = 414721788608819519L;

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
      Ohlc.Coder.of().encode(c.ohlc, out);
      out.write(c.isFinal ? 1 : 0);
    }

    @Override
    public Candle decode(InputStream in) throws IOException {
      String pair = STRING.decode(in);
      long openTime = VarInt.decodeLong(in);
      long closeTime = openTime + VarInt.decodeLong(in);
      Ohlc ohlc = Ohlc.Coder.of().decode(in);
      int flag = in.read();
      if (flag < 0) {
        throw new java.io.EOFException("truncated Candle");
      }
      return new Candle(pair, openTime, closeTime, ohlc, flag == 1);
    }

    @Override
    public void verifyDeterministic() {}

    @Override
    public boolean consistentWithEquals() {
      return true;
    }
  }
}
