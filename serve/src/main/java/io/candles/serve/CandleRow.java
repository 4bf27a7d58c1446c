package io.candles.serve;

import java.math.BigDecimal;
import java.util.List;

/**
 * One state of one row of the candle table, as read by a query or received in a notification.
 *
 * @param openTime window start, epoch ms
 * @param closeTime window end (exclusive), epoch ms
 * @param updatedAtMicros when the row was written, epoch microseconds (the database's clock)
 * @param extras the values of {@link KlineExtras#ALL} present in the table, in that order
 *     (Long for UTC_MILLIS and INTEGER, String for DECIMAL and TEXT, Boolean; null for SQL NULL)
 */
public record CandleRow(String pair, long openTime, long closeTime, BigDecimal open, BigDecimal high,
    BigDecimal low, BigDecimal close, long tickCount, boolean isFinal, long updatedAtMicros,
    List<Object> extras) {

  /** The row's key: the table's unique key. */
  public record Key(String pair, long openTime) {}

  public Key key() {
    return new Key(pair, openTime);
  }

  /** Whether this window starts on a 5-minute boundary, as Binance's 5m klines do. */
  public boolean aligned() {
    return Math.floorMod(openTime, CandleTable.WINDOW_MILLIS) == 0;
  }

  /**
   * Whether this state is newer than {@code other} of the same row: the pipeline's own rule (more
   * ticks, or the same ticks and newly final), and for a row rewritten otherwise, the later write.
   */
  public boolean newerThan(CandleRow other) {
    if (tickCount != other.tickCount) {
      return tickCount > other.tickCount;
    }
    if (isFinal != other.isFinal) {
      return isFinal;
    }
    return updatedAtMicros > other.updatedAtMicros;
  }
}
