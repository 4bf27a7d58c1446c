package io.candles.ingest.exchange;

/**
 * One best bid/ask update, checked against the contract's price rules and ready to produce.
 *
 * <p>Prices are kept twice on purpose: the exchange's own strings, which the tick record carries
 * unchanged, and their exact fixed-point value (10^-8 units, see {@code Prices}) for the checks.
 *
 * @param pair upper-case symbol, e.g. {@code BTCUSDT}
 * @param bid the exchange's bid string
 * @param ask the exchange's ask string
 * @param bidUnits bid in 10^-8 units
 * @param askUnits ask in 10^-8 units
 * @param eventTimeMillis the exchange's event time, or the receive time where it sends none
 * @param updateId the exchange's sequence number, or {@code Tick.NO_UPDATE_ID}
 * @param stream the exchange stream it came on, when known, else null
 */
public record Quote(
    String pair,
    String bid,
    String ask,
    long bidUnits,
    long askUnits,
    long eventTimeMillis,
    long updateId,
    String stream) implements Frame {}
