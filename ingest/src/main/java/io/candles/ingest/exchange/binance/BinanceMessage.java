package io.candles.ingest.exchange.binance;

/**
 * Binance WebSocket market-stream messages exactly as they arrive: immutable wire records whose
 * fields are the JSON values' text, unchecked. {@link BinanceAdapter} maps them to domain types.
 */
public sealed interface BinanceMessage
    permits BinanceMessage.BookTicker, BinanceMessage.Result, BinanceMessage.Error {

  /**
   * A {@code bookTicker} event, spot ({@code {"u":..,"s":..,"b":..,"B":..,"a":..,"A":..}}) or USD-M
   * futures (adds {@code "e":"bookTicker"}, {@code "E"} event time and {@code "T"} transaction time),
   * raw or unwrapped from a combined stream's {@code {"stream":..,"data":{..}}}. A field is null
   * when absent or JSON null.
   *
   * @param stream the combined stream's name, e.g. {@code btcusdt@bookTicker}; null for a raw stream
   * @param eventType {@code e}
   * @param updateId {@code u}, the order book update id
   * @param symbol {@code s}
   * @param bidPrice {@code b}
   * @param bidQty {@code B}
   * @param askPrice {@code a}
   * @param askQty {@code A}
   * @param eventTime {@code E}, epoch ms (futures only)
   * @param transactionTime {@code T}, epoch ms (futures only)
   */
  record BookTicker(
      String stream,
      String eventType,
      String updateId,
      String symbol,
      String bidPrice,
      String bidQty,
      String askPrice,
      String askQty,
      String eventTime,
      String transactionTime) implements BinanceMessage {}

  /**
   * The reply to a request such as {@code SUBSCRIBE}: {@code {"result":null,"id":1}}.
   *
   * @param id the request id's text
   * @param result the result's JSON text, null for JSON null (success of SUBSCRIBE)
   */
  record Result(String id, String result) implements BinanceMessage {}

  /**
   * An error reply: {@code {"code":2,"msg":"Invalid request: ...","id":1}} or the same inside
   * {@code {"error":{..},"id":1}}.
   */
  record Error(String id, String code, String msg) implements BinanceMessage {}
}
