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
 * @param prevSpread the spread (ask - bid, 10^-8 units) of the producer's previous tick of the
 *     pair, which held from {@code prevEventTimeMillis} until this tick; {@link #NO_SPREAD} when
 *     not known (the first tick, or the first after a feed gap)
 * @param prevEventTimeMillis that previous tick's event time, or {@link #NO_TIME}
 */
public record Tick(
    String pair,
    long bid,
    long ask,
    long eventTimeMillis,
    long ingestTimeMillis,
    String exchange,
    long updateId,
    long prevSpread,
    long prevEventTimeMillis) implements TickRecord {

  public static final long NO_TIME = Long.MIN_VALUE;
  public static final long NO_UPDATE_ID = Long.MIN_VALUE;
  public static final long NO_SPREAD = -1;

  /** A tick that says nothing of the spread before it. */
  public Tick(String pair, long bid, long ask, long eventTimeMillis, long ingestTimeMillis, String exchange,
      long updateId) {
    this(pair, bid, ask, eventTimeMillis, ingestTimeMillis, exchange, updateId, NO_SPREAD, NO_TIME);
  }

  /** Whether the tick says which spread held before it, and since when. */
  public boolean hasPrevious() {
    return prevSpread != NO_SPREAD && prevEventTimeMillis != NO_TIME;
  }

  /** The exact mid price in 10^-9 units. */
  public long mid() {
    return Prices.mid(bid, ask);
  }
}
