package io.candles.ingest.exchange.binance;

import io.candles.contract.RejectReason;
import io.candles.contract.RejectedTickException;
import io.candles.ingest.json.JsonObject;

/** Reads a Binance WebSocket text frame into its wire record, checking only the JSON grammar and shape. */
public final class BinanceFrames {
  private BinanceFrames() {}

  /**
   * Reads one frame.
   *
   * @throws RejectedTickException {@link RejectReason#INVALID_JSON} for text that is not one JSON
   *     object, {@link RejectReason#MISSING_FIELD} for an object of the wrong shape
   */
  public static BinanceMessage parse(String text) throws RejectedTickException {
    JsonObject o = JsonObject.parse(text);
    int data = o.indexOf("data");
    if (data >= 0) {
      if (o.kind(data) != JsonObject.Kind.OBJECT) {
        throw new RejectedTickException(
            RejectReason.MISSING_FIELD, "data of a combined stream message is not an object");
      }
      return bookTicker(o.text("stream"), o.object(data));
    }
    if (o.indexOf("result") >= 0) {
      return new BinanceMessage.Result(o.text("id"), o.text("result"));
    }
    int error = o.indexOf("error");
    if (error >= 0 && o.kind(error) == JsonObject.Kind.OBJECT) {
      JsonObject e = o.object(error);
      return new BinanceMessage.Error(o.text("id"), e.text("code"), e.text("msg"));
    }
    if (o.indexOf("code") >= 0 && o.indexOf("msg") >= 0 && o.indexOf("s") < 0) {
      return new BinanceMessage.Error(o.text("id"), o.text("code"), o.text("msg"));
    }
    return bookTicker(null, o);
  }

  private static BinanceMessage.BookTicker bookTicker(String stream, JsonObject d)
      throws RejectedTickException {
    JsonObject.Kind symbolKind = d.kind("s");
    if (symbolKind != null && symbolKind != JsonObject.Kind.STRING && symbolKind != JsonObject.Kind.NULL) {
      throw new RejectedTickException(RejectReason.MISSING_FIELD, "s (pair) is not a string: " + d.text("s"));
    }
    return new BinanceMessage.BookTicker(
        stream,
        d.text("e"),
        d.text("u"),
        d.text("s"),
        d.text("b"),
        d.text("B"),
        d.text("a"),
        d.text("A"),
        d.text("E"),
        d.text("T"));
  }
}
