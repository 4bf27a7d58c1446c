package io.candles.contract;

/**
 * The tick record's JSON value: a single-pass reader that goes straight from the text to a
 * {@link Tick} with exact prices (no tree, no {@code double}), and the writer the ingester uses.
 *
 * <p>Unknown fields are skipped, so producers may add fields freely. When a field appears twice
 * the last one wins, as in most JSON readers.
 */
public final class TickJson {
  public static final String PAIR = "pair";
  public static final String BID = "bid";
  public static final String ASK = "ask";
  public static final String EVENT_TIME = "event_time";
  public static final String INGEST_TIME = "ingest_time";
  public static final String EXCHANGE = "exchange";
  public static final String UPDATE_ID = "update_id";

  private TickJson() {}

  /**
   * Reads and validates one tick record value.
   *
   * @throws RejectedTickException naming the contract rule it breaks
   */
  public static Tick parse(String json) throws RejectedTickException {
    if (json == null || json.isEmpty()) {
      throw new RejectedTickException(RejectReason.INVALID_JSON, "the record value is empty");
    }
    return new Reader(json).readTick();
  }

  /**
   * Writes a tick record value. Prices are written exactly as given (the exchange's own strings).
   *
   * @param ingestTimeMillis {@link Tick#NO_TIME} to leave the field out
   * @param exchange null to leave the field out
   * @param updateId {@link Tick#NO_UPDATE_ID} to leave the field out
   */
  public static String write(
      String pair, String bid, String ask, long eventTimeMillis, long ingestTimeMillis,
      String exchange, long updateId) {
    StringBuilder sb = new StringBuilder(160);
    sb.append("{\"pair\":");
    Json.appendQuoted(sb, pair);
    sb.append(",\"bid\":");
    Json.appendQuoted(sb, bid);
    sb.append(",\"ask\":");
    Json.appendQuoted(sb, ask);
    sb.append(",\"event_time\":\"").append(EventTimes.format(eventTimeMillis)).append('"');
    if (ingestTimeMillis != Tick.NO_TIME) {
      sb.append(",\"ingest_time\":\"").append(EventTimes.format(ingestTimeMillis)).append('"');
    }
    if (exchange != null) {
      sb.append(",\"exchange\":");
      Json.appendQuoted(sb, exchange);
    }
    if (updateId != Tick.NO_UPDATE_ID) {
      sb.append(",\"update_id\":").append(updateId);
    }
    return sb.append('}').toString();
  }

  /** A cursor over one JSON text. */
  private static final class Reader {
    private final String s;
    private int pos;

    // The last string or number token read: its raw bounds, and its decoded text when it had
    // escapes (rare: then the bounds are not the value).
    private int tokStart;
    private int tokEnd;
    private String tokDecoded;

    Reader(String s) {
      this.s = s;
    }

    Tick readTick() throws RejectedTickException {
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

      skipWhitespace();
      expect('{', "the value does not start with '{'");
      skipWhitespace();
      if (peek() == '}') {
        pos++;
      } else {
        while (true) {
          skipWhitespace();
          if (peek() != '"') {
            throw invalid("expected a field name");
          }
          readString();
          String key = tokDecoded != null ? tokDecoded : null;
          int keyStart = tokStart;
          int keyLen = tokEnd - tokStart;
          skipWhitespace();
          expect(':', "expected ':' after a field name");
          skipWhitespace();
          char c = peek();
          int field = key != null ? fieldOf(key, 0, key.length()) : fieldOf(s, keyStart, keyLen);
          boolean isNull = c == 'n';
          switch (field) {
            case F_PAIR:
              if (c == '"') {
                readString();
                pair = tokText();
              } else {
                skipValue();
                pair = null;
                if (!isNull) {
                  throw new RejectedTickException(RejectReason.MISSING_FIELD, "pair is not a string");
                }
              }
              break;
            case F_BID:
            case F_ASK:
              long price;
              String name = field == F_BID ? BID : ASK;
              if (c == '"') {
                readString();
                price = tokDecoded != null
                    ? Prices.parsePrice(name, tokDecoded, 0, tokDecoded.length())
                    : Prices.parsePrice(name, s, tokStart, tokEnd);
              } else if (c == '-' || (c >= '0' && c <= '9')) {
                readNumber();
                price = Prices.parsePrice(name, s, tokStart, tokEnd);
              } else if (isNull) {
                skipValue();
                if (field == F_BID) {
                  hasBid = false;
                } else {
                  hasAsk = false;
                }
                break;
              } else {
                int from = pos;
                skipValue();
                throw new RejectedTickException(
                    RejectReason.NON_NUMERIC_PRICE, name + " is not a number: " + s.substring(from, pos));
              }
              if (field == F_BID) {
                bid = price;
                hasBid = true;
              } else {
                ask = price;
                hasAsk = true;
              }
              break;
            case F_EVENT_TIME:
              if (isNull) {
                skipValue();
                hasEventTime = false;
              } else {
                eventTime = readTime(EVENT_TIME, c);
                hasEventTime = true;
              }
              break;
            case F_INGEST_TIME:
              // Optional and informational: a bad value is ignored rather than losing the tick.
              try {
                ingestTime = isNull ? skipNull() : readTime(INGEST_TIME, c);
              } catch (RejectedTickException e) {
                ingestTime = Tick.NO_TIME;
              }
              break;
            case F_EXCHANGE:
              if (c == '"') {
                readString();
                exchange = tokText();
              } else {
                skipValue();
              }
              break;
            case F_UPDATE_ID:
              if (c == '-' || (c >= '0' && c <= '9')) {
                readNumber();
                updateId = parseLongOr(Tick.NO_UPDATE_ID);
              } else {
                skipValue();
              }
              break;
            default:
              skipValue();
          }
          skipWhitespace();
          char next = peek();
          pos++;
          if (next == '}') {
            break;
          }
          if (next != ',') {
            throw invalid("expected ',' or '}' after a field value");
          }
        }
      }
      skipWhitespace();
      if (pos != s.length()) {
        throw invalid("unexpected text after the object");
      }

      if (pair == null || pair.isEmpty()) {
        throw missing(PAIR);
      }
      if (!hasBid) {
        throw missing(BID);
      }
      if (!hasAsk) {
        throw missing(ASK);
      }
      if (!hasEventTime) {
        throw missing(EVENT_TIME);
      }
      if (ask < bid) {
        throw new RejectedTickException(
            RejectReason.CROSSED_BOOK,
            "ask " + Prices.priceToDecimal(ask) + " is below bid " + Prices.priceToDecimal(bid));
      }
      return new Tick(pair, bid, ask, eventTime, ingestTime, exchange, updateId);
    }

    private long skipNull() throws RejectedTickException {
      skipValue();
      return Tick.NO_TIME;
    }

    private long readTime(String name, char c) throws RejectedTickException {
      if (c == '"') {
        readString();
        return tokDecoded != null
            ? EventTimes.parseIso(name, tokDecoded, 0, tokDecoded.length())
            : EventTimes.parseIso(name, s, tokStart, tokEnd);
      }
      if (c == '-' || (c >= '0' && c <= '9')) {
        readNumber();
        long v = parseLongOr(Long.MIN_VALUE);
        if (v == Long.MIN_VALUE) {
          throw EventTimes.unparseable(name, s.substring(tokStart, tokEnd));
        }
        return EventTimes.checkEpochMillis(name, v);
      }
      int from = pos;
      skipValue();
      throw EventTimes.unparseable(name, s.substring(from, pos));
    }

    /** The last number token as a long, or {@code otherwise} if it has a fraction or exponent. */
    private long parseLongOr(long otherwise) {
      int i = tokStart;
      boolean negative = s.charAt(i) == '-';
      if (negative) {
        i++;
      }
      if (tokEnd - i > 18) {
        return otherwise;
      }
      long v = 0;
      for (; i < tokEnd; i++) {
        char c = s.charAt(i);
        if (c < '0' || c > '9') {
          return otherwise;
        }
        v = v * 10 + (c - '0');
      }
      return negative ? -v : v;
    }

    private String tokText() {
      return tokDecoded != null ? tokDecoded : s.substring(tokStart, tokEnd);
    }

    private char peek() throws RejectedTickException {
      if (pos >= s.length()) {
        throw invalid("the text ends too early");
      }
      return s.charAt(pos);
    }

    private void expect(char c, String what) throws RejectedTickException {
      if (pos >= s.length() || s.charAt(pos) != c) {
        throw invalid(what);
      }
      pos++;
    }

    private void skipWhitespace() {
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
          return;
        }
        pos++;
      }
    }

    /** Reads a string token at {@code pos} (which is at its opening quote). */
    private void readString() throws RejectedTickException {
      pos++;
      tokStart = pos;
      tokDecoded = null;
      StringBuilder decoded = null;
      while (true) {
        if (pos >= s.length()) {
          throw invalid("a string is not closed");
        }
        char c = s.charAt(pos);
        if (c == '"') {
          tokEnd = pos;
          pos++;
          if (decoded != null) {
            tokDecoded = decoded.toString();
          }
          return;
        }
        if (c < 0x20) {
          throw invalid("a control character inside a string");
        }
        if (c == '\\') {
          if (decoded == null) {
            decoded = new StringBuilder().append(s, tokStart, pos);
          }
          if (pos + 1 >= s.length()) {
            throw invalid("a string is not closed");
          }
          char e = s.charAt(pos + 1);
          pos += 2;
          switch (e) {
            case '"': decoded.append('"'); break;
            case '\\': decoded.append('\\'); break;
            case '/': decoded.append('/'); break;
            case 'b': decoded.append('\b'); break;
            case 'f': decoded.append('\f'); break;
            case 'n': decoded.append('\n'); break;
            case 'r': decoded.append('\r'); break;
            case 't': decoded.append('\t'); break;
            case 'u':
              if (pos + 4 > s.length()) {
                throw invalid("a bad \\u escape");
              }
              int code = 0;
              for (int k = 0; k < 4; k++) {
                int d = Character.digit(s.charAt(pos + k), 16);
                if (d < 0) {
                  throw invalid("a bad \\u escape");
                }
                code = code * 16 + d;
              }
              decoded.append((char) code);
              pos += 4;
              break;
            default:
              throw invalid("a bad escape \\" + e);
          }
        } else {
          if (decoded != null) {
            decoded.append(c);
          }
          pos++;
        }
      }
    }

    /** Reads a JSON number token, checking its grammar. */
    private void readNumber() throws RejectedTickException {
      tokStart = pos;
      tokDecoded = null;
      if (pos < s.length() && s.charAt(pos) == '-') {
        pos++;
      }
      int intStart = pos;
      skipDigits();
      if (pos == intStart || (s.charAt(intStart) == '0' && pos - intStart > 1)) {
        throw invalid("a malformed number");
      }
      if (pos < s.length() && s.charAt(pos) == '.') {
        pos++;
        int fracStart = pos;
        skipDigits();
        if (pos == fracStart) {
          throw invalid("a malformed number");
        }
      }
      if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
        pos++;
        if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
          pos++;
        }
        int expStart = pos;
        skipDigits();
        if (pos == expStart) {
          throw invalid("a malformed number");
        }
      }
      tokEnd = pos;
    }

    private void skipDigits() {
      while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
        pos++;
      }
    }

    /** Skips any JSON value, checking its grammar. */
    private void skipValue() throws RejectedTickException {
      skipValue(0);
    }

    private void skipValue(int depth) throws RejectedTickException {
      if (depth > 64) {
        throw invalid("nesting deeper than 64 levels");
      }
      char c = peek();
      switch (c) {
        case '"':
          readString();
          return;
        case '{':
          pos++;
          skipWhitespace();
          if (peek() == '}') {
            pos++;
            return;
          }
          while (true) {
            skipWhitespace();
            if (peek() != '"') {
              throw invalid("expected a field name");
            }
            readString();
            skipWhitespace();
            expect(':', "expected ':' after a field name");
            skipWhitespace();
            skipValue(depth + 1);
            skipWhitespace();
            char next = peek();
            pos++;
            if (next == '}') {
              return;
            }
            if (next != ',') {
              throw invalid("expected ',' or '}' in an object");
            }
          }
        case '[':
          pos++;
          skipWhitespace();
          if (peek() == ']') {
            pos++;
            return;
          }
          while (true) {
            skipWhitespace();
            skipValue(depth + 1);
            skipWhitespace();
            char next = peek();
            pos++;
            if (next == ']') {
              return;
            }
            if (next != ',') {
              throw invalid("expected ',' or ']' in an array");
            }
          }
        case 't':
          literal("true");
          return;
        case 'f':
          literal("false");
          return;
        case 'n':
          literal("null");
          return;
        default:
          if (c == '-' || (c >= '0' && c <= '9')) {
            readNumber();
            return;
          }
          throw invalid("unexpected character '" + c + "'");
      }
    }

    private void literal(String word) throws RejectedTickException {
      if (!s.startsWith(word, pos)) {
        throw invalid("unexpected text where a value should be");
      }
      pos += word.length();
    }

    private RejectedTickException invalid(String what) {
      return new RejectedTickException(
          RejectReason.INVALID_JSON, "not valid JSON: " + what + " at character " + pos);
    }

    private static RejectedTickException missing(String field) {
      return new RejectedTickException(
          RejectReason.MISSING_FIELD, "required field " + field + " is missing or null");
    }
  }

  private static final int F_OTHER = 0;
  private static final int F_PAIR = 1;
  private static final int F_BID = 2;
  private static final int F_ASK = 3;
  private static final int F_EVENT_TIME = 4;
  private static final int F_INGEST_TIME = 5;
  private static final int F_EXCHANGE = 6;
  private static final int F_UPDATE_ID = 7;

  /** Which known field the key {@code s[start, start+len)} names, without allocating. */
  private static int fieldOf(String s, int start, int len) {
    switch (len) {
      case 3:
        if (s.startsWith(BID, start)) {
          return F_BID;
        }
        return s.startsWith(ASK, start) ? F_ASK : F_OTHER;
      case 4:
        return s.startsWith(PAIR, start) ? F_PAIR : F_OTHER;
      case 8:
        return s.startsWith(EXCHANGE, start) ? F_EXCHANGE : F_OTHER;
      case 9:
        return s.startsWith(UPDATE_ID, start) ? F_UPDATE_ID : F_OTHER;
      case 10:
        return s.startsWith(EVENT_TIME, start) ? F_EVENT_TIME : F_OTHER;
      case 11:
        return s.startsWith(INGEST_TIME, start) ? F_INGEST_TIME : F_OTHER;
      default:
        return F_OTHER;
    }
  }
}
