package io.candles.pipeline;

import io.candles.contract.Tick;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.util.VarInt;

/**
 * What {@link OhlcCombineFn} emits for one pair, window and pane: the mid's OHLC and, beside it,
 * how good the candle is: the bid's and the ask's own OHLC, the spread, how fresh the newest tick
 * is, and the feed gaps inside the window. Immutable.
 *
 * @param mid the mid price's bar, 10^-9 units
 * @param bid the best bid's bar, 10^-8 units
 * @param ask the best ask's bar, 10^-8 units
 * @param spreadMin the smallest spread (ask - bid) of a tick, 10^-8 units
 * @param spreadMax the largest spread of a tick, 10^-8 units
 * @param spreadSum the sum of the ticks' spreads, 10^-8 units (see {@link #spreadMean()})
 * @param tickCount the accepted ticks in the window so far
 * @param lastEventTimeMillis event time of the window's closing tick
 * @param lastIngestTimeMillis receive time of the window's closing tick, or {@link Tick#NO_TIME}
 * @param gapMillis the total length of the feed gaps inside the window (their union)
 * @param gapCount how many separate gaps that union is
 * @param spreadTime how long each spread held, for the time-weighted mean ({@link #spreadTimeWeightedMean})
 */
public record Ohlc(Bar mid, Bar bid, Bar ask, long spreadMin, long spreadMax, long spreadSum,
    long tickCount, long lastEventTimeMillis, long lastIngestTimeMillis, long gapMillis, int gapCount,
    SpreadTime spreadTime) {

  /** A candle whose ticks say nothing of the spread before them. */
  public Ohlc(Bar mid, Bar bid, Bar ask, long spreadMin, long spreadMax, long spreadSum,
      long tickCount, long lastEventTimeMillis, long lastIngestTimeMillis, long gapMillis, int gapCount) {
    this(mid, bid, ask, spreadMin, spreadMax, spreadSum, tickCount, lastEventTimeMillis, lastIngestTimeMillis,
        gapMillis, gapCount, SpreadTime.NONE);
  }

  /**
   * The spread weighted by how long each held, from the window start {@code windowStartMillis} to
   * its last tick ({@link SpreadTime#mean}); null when the ticks say nothing of it.
   */
  public BigDecimal spreadTimeWeightedMean(long windowStartMillis) {
    return spreadTime.mean(windowStartMillis);
  }

  /** Decimal places of {@link #spreadMean()}: the mean of whole 10^-8 units, to four more places. */
  public static final int SPREAD_MEAN_SCALE = 12;

  /** The mean spread per tick, in price units, rounded half-even to {@link #SPREAD_MEAN_SCALE} places. */
  public BigDecimal spreadMean() {
    BigDecimal mean = BigDecimal.valueOf(spreadSum, 8)
        .divide(BigDecimal.valueOf(tickCount), SPREAD_MEAN_SCALE, RoundingMode.HALF_EVEN)
        .stripTrailingZeros();
    return mean.scale() < 0 ? mean.setScale(0) : mean;
  }

  /** A compact, deterministic coder. */
  public static final class Coder extends AtomicCoder<Ohlc> {
    // Changed with the time-weighted spread: state written by the earlier coders is refused.
    private static final long serialVersionUID = 2094670669125146088L;

    private static final Coder INSTANCE = new Coder();

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(Ohlc o, OutputStream out) throws IOException {
      o.mid.encode(out);
      o.bid.encode(out);
      o.ask.encode(out);
      VarInt.encode(o.spreadMin, out);
      VarInt.encode(o.spreadMax, out);
      VarInt.encode(o.spreadSum, out);
      VarInt.encode(o.tickCount, out);
      VarInt.encode(o.lastEventTimeMillis, out);
      VarInt.encode(o.lastIngestTimeMillis, out);
      VarInt.encode(o.gapMillis, out);
      VarInt.encode(o.gapCount, out);
      SpreadTime.encode(o.spreadTime.entries(), out);
    }

    @Override
    public Ohlc decode(InputStream in) throws IOException {
      return new Ohlc(Bar.decode(in), Bar.decode(in), Bar.decode(in), VarInt.decodeLong(in),
          VarInt.decodeLong(in), VarInt.decodeLong(in), VarInt.decodeLong(in), VarInt.decodeLong(in),
          VarInt.decodeLong(in), VarInt.decodeLong(in), VarInt.decodeInt(in), SpreadTime.of(SpreadTime.decode(in)));
    }

    @Override
    public void verifyDeterministic() {}

    @Override
    public boolean consistentWithEquals() {
      return true;
    }
  }
}
