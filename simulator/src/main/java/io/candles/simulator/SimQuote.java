package io.candles.simulator;

/**
 * One simulated best bid/ask, with prices as exact 8-decimal strings like Binance's.
 *
 * @param eventTimeMillis when it was generated (sent as {@code E} in the futures form)
 */
public record SimQuote(
    String pair, long updateId, String bid, String bidQty, String ask, String askQty, long eventTimeMillis) {

  /** The spot raw-stream payload: {@code {"u":..,"s":..,"b":..,"B":..,"a":..,"A":..}}. */
  public String spotJson() {
    return new StringBuilder(128)
        .append("{\"u\":").append(updateId)
        .append(",\"s\":\"").append(pair)
        .append("\",\"b\":\"").append(bid)
        .append("\",\"B\":\"").append(bidQty)
        .append("\",\"a\":\"").append(ask)
        .append("\",\"A\":\"").append(askQty)
        .append("\"}").toString();
  }

  /** The USD-M futures payload, with event type, transaction time {@code T} and event time {@code E}. */
  public String futuresJson() {
    return new StringBuilder(160)
        .append("{\"e\":\"bookTicker\",\"u\":").append(updateId)
        .append(",\"s\":\"").append(pair)
        .append("\",\"b\":\"").append(bid)
        .append("\",\"B\":\"").append(bidQty)
        .append("\",\"a\":\"").append(ask)
        .append("\",\"A\":\"").append(askQty)
        .append("\",\"T\":").append(eventTimeMillis - 1)
        .append(",\"E\":").append(eventTimeMillis)
        .append('}').toString();
  }

  /** A payload wrapped in the combined-stream envelope. */
  public static String combined(String stream, String payload) {
    return new StringBuilder(payload.length() + stream.length() + 24)
        .append("{\"stream\":\"").append(stream).append("\",\"data\":").append(payload).append('}').toString();
  }
}
