package io.candles.contract;

/**
 * One best bid/ask update, as the contract defines it, with exact fixed-point prices.
 *
 * @param pair the pair symbol, e.g. {@code BTCUSDT}
 * @param bid best bid in 10^-8 units (see {@link Prices})
 * @param ask best ask in 10^-8 units
 * @param eventTimeMillis the exchange's event time, epoch milliseconds UTC
 * @param ingestTimeMillis when the ingester received it, or {@link #NO_TIME}
 * @param exchange source name, or null
 * @param updateId the exchange's sequence number, or {@link #NO_UPDATE_ID}
 */
public record Tick(
    String pair,
    long bid,
    long ask,
    long eventTimeMillis,
    long ingestTimeMillis,
    String exchange,
    long updateId) implements TickRecord {

  public static final long NO_TIME = Long.MIN_VALUE;
  public static final long NO_UPDATE_ID = Long.MIN_VALUE;

  /** The exact mid price in 10^-9 units. */
  public long mid() {
    return Prices.mid(bid, ask);
  }
}
