package io.candles.bench.jmh;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.candles.contract.EventTimes;
import io.candles.contract.Prices;
import io.candles.contract.RejectReason;
import io.candles.contract.RejectedTickException;
import io.candles.contract.Tick;
import io.candles.contract.TickJson;
import java.io.IOException;

/**
 * The tick reader written on Jackson's streaming parser, for {@link TickParseBenchmark} to compare
 * with the project's own: the same bytes to the same {@link Tick}, with the same exact price and time
 * parsers (Jackson's token characters are handed to them, no {@code BigDecimal}, no {@code double})
 * and the same required-field and crossed-book checks. Jackson interns field names, so they are
 * compared without copying; string values it copies into a {@code String} only for the pair.
 */
final class JacksonTickReader {
  private static final JsonFactory FACTORY = new JsonFactory();

  /** Jackson's token characters as a {@link CharSequence}, reused: the parsers read them in place. */
  private final CharsView view = new CharsView();

  Tick parse(byte[] utf8, int offset, int length) throws RejectedTickException {
    try (JsonParser p = FACTORY.createParser(utf8, offset, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw invalid("the value does not start with '{'");
      }
      String pair = null;
      String exchange = null;
      long bid = 0;
      long ask = 0;
      boolean hasBid = false;
      boolean hasAsk = false;
      long eventTime = 0;
      boolean hasEventTime = false;
      long ingestTime = Tick.NO_TIME;
      long updateId = Tick.NO_UPDATE_ID;
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        switch (name) {
          case TickJson.PAIR:
            pair = v == JsonToken.VALUE_STRING ? p.getText() : null;
            break;
          case TickJson.BID:
            hasBid = v != JsonToken.VALUE_NULL;
            bid = hasBid ? price(p, TickJson.BID) : 0;
            break;
          case TickJson.ASK:
            hasAsk = v != JsonToken.VALUE_NULL;
            ask = hasAsk ? price(p, TickJson.ASK) : 0;
            break;
          case TickJson.EVENT_TIME:
            hasEventTime = v != JsonToken.VALUE_NULL;
            eventTime = hasEventTime ? time(p, v, TickJson.EVENT_TIME) : 0;
            break;
          case TickJson.INGEST_TIME:
            ingestTime = v == JsonToken.VALUE_NULL ? Tick.NO_TIME : time(p, v, TickJson.INGEST_TIME);
            break;
          case TickJson.EXCHANGE:
            exchange = v == JsonToken.VALUE_STRING ? p.getText() : null;
            break;
          case TickJson.UPDATE_ID:
            updateId = v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : Tick.NO_UPDATE_ID;
            break;
          default:
            p.skipChildren();
        }
      }
      if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw invalid("unexpected text after the object");
      }
      if (pair == null || pair.isEmpty()) {
        throw missing(TickJson.PAIR);
      }
      if (!hasBid) {
        throw missing(TickJson.BID);
      }
      if (!hasAsk) {
        throw missing(TickJson.ASK);
      }
      if (!hasEventTime) {
        throw missing(TickJson.EVENT_TIME);
      }
      if (ask < bid) {
        throw new RejectedTickException(RejectReason.CROSSED_BOOK, "ask is below bid");
      }
      return new Tick(pair, bid, ask, eventTime, ingestTime, exchange, updateId);
    } catch (JsonParseException e) {
      throw invalid(e.getOriginalMessage());
    } catch (IOException e) {
      throw invalid(e.getMessage());
    }
  }

  private long price(JsonParser p, String name) throws IOException, RejectedTickException {
    view.chars = p.getTextCharacters();
    int from = p.getTextOffset();
    return Prices.parsePrice(name, view, from, from + p.getTextLength());
  }

  private long time(JsonParser p, JsonToken v, String name) throws IOException, RejectedTickException {
    if (v == JsonToken.VALUE_NUMBER_INT) {
      return EventTimes.checkEpochMillis(name, p.getLongValue());
    }
    view.chars = p.getTextCharacters();
    int from = p.getTextOffset();
    return EventTimes.parseIso(name, view, from, from + p.getTextLength());
  }

  private static RejectedTickException invalid(String what) {
    return new RejectedTickException(RejectReason.INVALID_JSON, "not valid JSON: " + what);
  }

  private static RejectedTickException missing(String field) {
    return new RejectedTickException(
        RejectReason.MISSING_FIELD, "required field " + field + " is missing or null");
  }

  /** A window on a char array that the caller bounds. */
  private static final class CharsView implements CharSequence {
    char[] chars;

    @Override
    public int length() {
      return chars.length;
    }

    @Override
    public char charAt(int index) {
      return chars[index];
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return new String(chars, start, end - start);
    }

    @Override
    public String toString() {
      return new String(chars);
    }
  }
}
