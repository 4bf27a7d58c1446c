package io.candles.ingest.exchange.binance;

import io.candles.contract.JsonScanner;
import io.candles.contract.RejectReason;
import io.candles.contract.RejectedTickException;
import java.nio.charset.StandardCharsets;

/**
 * Reads a Binance WebSocket text frame into its wire record, checking only the JSON grammar (the
 * contract's own, {@link JsonScanner}) and the shape.
 */
public final class BinanceFrames {
  private static final String DATA = "data";
  private static final String STREAM = "stream";
  private static final String RESULT = "result";
  private static final String ID = "id";
  private static final String ERROR = "error";
  private static final String CODE = "code";
  private static final String MSG = "msg";
  private static final String SYMBOL = "s";
  /** A book ticker's fields. */
  private static final String[] BOOK = {"e", "u", SYMBOL, "b", "B", "a", "A", "E", "T"};
  /** A frame's own fields: a combined stream's envelope, a reply, or a raw stream's book ticker. */
  private static final String[] FRAME = {DATA, STREAM, RESULT, ID, ERROR, CODE, MSG,
      "e", "u", SYMBOL, "b", "B", "a", "A", "E", "T"};

  private BinanceFrames() {}

  /**
   * Reads one frame.
   *
   * @throws RejectedTickException {@link RejectReason#INVALID_JSON} for text that is not one JSON
   *     object, {@link RejectReason#MISSING_FIELD} for an object of the wrong shape
   */
  public static BinanceMessage parse(String text) throws RejectedTickException {
    if (text == null || text.isEmpty()) {
      throw new RejectedTickException(RejectReason.INVALID_JSON, "the message is empty");
    }
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    JsonScanner scanner = new JsonScanner(utf8, 0, utf8.length);
    JsonScanner.Members o = scanner.readMembers("the message is not a JSON object", FRAME);
    scanner.expectEnd();
    JsonScanner.Kind data = o.kind(DATA);
    if (data != null) {
      if (data != JsonScanner.Kind.OBJECT) {
        throw new RejectedTickException(
            RejectReason.MISSING_FIELD, "data of a combined stream message is not an object");
      }
      return bookTicker(o.text(STREAM), o.object(DATA, BOOK));
    }
    if (o.kind(RESULT) != null) {
      return new BinanceMessage.Result(o.text(ID), o.text(RESULT));
    }
    if (o.kind(ERROR) == JsonScanner.Kind.OBJECT) {
      JsonScanner.Members e = o.object(ERROR, CODE, MSG);
      return new BinanceMessage.Error(o.text(ID), e.text(CODE), e.text(MSG));
    }
    if (o.kind(CODE) != null && o.kind(MSG) != null && o.kind(SYMBOL) == null) {
      return new BinanceMessage.Error(o.text(ID), o.text(CODE), o.text(MSG));
    }
    return bookTicker(null, o);
  }

  private static BinanceMessage.BookTicker bookTicker(String stream, JsonScanner.Members d)
      throws RejectedTickException {
    JsonScanner.Kind symbolKind = d.kind(SYMBOL);
    if (symbolKind != null && symbolKind != JsonScanner.Kind.STRING && symbolKind != JsonScanner.Kind.NULL) {
      throw new RejectedTickException(RejectReason.MISSING_FIELD, "s (pair) is not a string: " + d.text(SYMBOL));
    }
    return new BinanceMessage.BookTicker(
        stream,
        d.text("e"),
        d.text("u"),
        d.text(SYMBOL),
        d.text("b"),
        d.text("B"),
        d.text("a"),
        d.text("A"),
        d.text("E"),
        d.text("T"));
  }
}
