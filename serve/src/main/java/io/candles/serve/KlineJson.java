package io.candles.serve;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Candles in Binance's two kline formats. Fields Binance has and the table lacks (volumes, trade
 * IDs) are {@code "0"} and {@code -1}, as Binance writes them for an interval without trades; the
 * table's extra columns ({@link KlineExtras}) follow Binance's fields.
 *
 * <p>REST ({@code GET /api/v3/klines}), one array per candle:
 * <pre>
 * [ 0 open time (ms)          = open_time
 *   1 open                    = open_price (exact decimal string, at least 8 decimals)
 *   2 high                    = high_price
 *   3 low                     = low_price
 *   4 close                   = close_price
 *   5 volume                  = "0" (the table has no volume)
 *   6 close time (ms)         = close_time - 1, as Binance (the last millisecond of the window)
 *   7 quote asset volume      = "0"
 *   8 number of trades        = tick_count (ticks: best bid/ask updates, not trades)
 *   9 taker buy base volume   = "0"
 *  10 taker buy quote volume  = "0"
 *  11 unused                  = "0"
 *  12 (only with &amp;extended=true) {"isFinal":..., "lastEventTime":..., ...the extras} ]
 * </pre>
 *
 * <p>WebSocket ({@code <pair>@kline_5m}): {@code {"e":"kline","E":<updated_at ms>,"s":<pair>,
 * "k":{"t","T","s","i":"5m","f":-1,"L":-1,"o","c","h","l","v":"0","n":<tick_count>,"x":<is_final>,
 * "q":"0","V":"0","Q":"0","B":"0", ...extras}}}.
 */
public final class KlineJson {
  private static final JsonFactory JSON = new JsonFactory();

  private KlineJson() {}

  /** A JSON array of REST klines. */
  public static String restKlines(List<CandleRow> rows, List<KlineExtras.Extra> extras, boolean extended) {
    return write(g -> {
      g.writeStartArray();
      for (CandleRow r : rows) {
        g.writeStartArray();
        g.writeNumber(r.openTime());
        g.writeString(Prices.format(r.open()));
        g.writeString(Prices.format(r.high()));
        g.writeString(Prices.format(r.low()));
        g.writeString(Prices.format(r.close()));
        g.writeString("0");
        g.writeNumber(r.closeTime() - 1);
        g.writeString("0");
        g.writeNumber(r.tickCount());
        g.writeString("0");
        g.writeString("0");
        g.writeString("0");
        if (extended) {
          g.writeStartObject();
          g.writeBooleanField("isFinal", r.isFinal());
          writeExtras(g, r, extras);
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      g.writeEndArray();
    });
  }

  /** A kline event, as a raw stream sends it. */
  public static String event(CandleRow r, List<KlineExtras.Extra> extras) {
    return write(g -> {
      g.writeStartObject();
      g.writeStringField("e", "kline");
      g.writeNumberField("E", r.updatedAtMicros() / 1000);
      g.writeStringField("s", r.pair());
      g.writeObjectFieldStart("k");
      g.writeNumberField("t", r.openTime());
      g.writeNumberField("T", r.closeTime() - 1);
      g.writeStringField("s", r.pair());
      g.writeStringField("i", CandleTable.INTERVAL);
      g.writeNumberField("f", -1);
      g.writeNumberField("L", -1);
      g.writeStringField("o", Prices.format(r.open()));
      g.writeStringField("c", Prices.format(r.close()));
      g.writeStringField("h", Prices.format(r.high()));
      g.writeStringField("l", Prices.format(r.low()));
      g.writeStringField("v", "0");
      g.writeNumberField("n", r.tickCount());
      g.writeBooleanField("x", r.isFinal());
      g.writeStringField("q", "0");
      g.writeStringField("V", "0");
      g.writeStringField("Q", "0");
      g.writeStringField("B", "0");
      writeExtras(g, r, extras);
      g.writeEndObject();
      g.writeEndObject();
    });
  }

  /** A combined stream's wrapper around an event already written: {"stream":...,"data":...}. */
  public static String combined(String stream, String event) {
    // Stream names are checked to [a-z0-9@_] (StreamName), so they need no escaping.
    return "{\"stream\":\"" + stream + "\",\"data\":" + event + "}";
  }

  private static void writeExtras(JsonGenerator g, CandleRow r, List<KlineExtras.Extra> extras) throws IOException {
    for (int i = 0; i < extras.size(); i++) {
      KlineExtras.Extra e = extras.get(i);
      Object v = r.extras().get(i);
      g.writeFieldName(e.key());
      if (v == null) {
        g.writeNull();
      } else if (v instanceof Long l) {
        g.writeNumber(l);
      } else if (v instanceof Boolean b) {
        g.writeBoolean(b);
      } else {
        g.writeString(v.toString());
      }
    }
  }

  /** Writes with a generator into a string. */
  interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  static String write(Body body) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
