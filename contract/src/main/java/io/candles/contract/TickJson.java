package io.candles.contract;

import java.nio.charset.StandardCharsets;

/**
 * The tick record's JSON value: a single-pass reader that goes straight from the UTF-8 bytes (as
 * Kafka delivers them) to a {@link Tick} with exact prices (no tree, no {@code double}, no
 * intermediate {@code String}), and the writer the ingester uses.
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
      throw empty();
    }
    byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
    return new Reader(utf8, 0, utf8.length).readTick();
  }

  /**
   * Reads and validates one tick record value from its UTF-8 encoding in
   * {@code utf8[offset, offset+length)}. Positions in error details are byte offsets from
   * {@code offset}.
   *
   * @throws RejectedTickException naming the contract rule it breaks
   */
  public static Tick parse(byte[] utf8, int offset, int length) throws RejectedTickException {
    if (utf8 == null || length == 0) {
      throw empty();
    }
    return new Reader(utf8, offset, offset + length).readTick();
  }

  private static RejectedTickException empty() {
    return new RejectedTickException(RejectReason.INVALID_JSON, "the record value is empty");
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

  /** A cursor over one JSON text, as UTF-8 bytes. */
  private static final class Reader {
    private final byte[] b;
    private final int begin;
    private final int end;
    /** The bytes as characters, for the price and time parsers (which only see ASCII tokens). */
    private final Latin1View text;
    private int pos;

    // The last string or number token read: its raw bounds, and its decoded text when it had
    // escapes (rare: then the bounds are not the value).
    private int tokStart;
    private int tokEnd;
    private String tokDecoded;

    Reader(byte[] b, int begin, int end) {
      this.b = b;
      this.begin = begin;
      this.end = end;
      this.text = new Latin1View(b);
      this.pos = begin;
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
      // A field's own error counts only if the field is not given again (the last one wins), and
      // only once the whole value is known to be JSON: so it is kept until the end.
      RejectedTickException pairError = null;
      RejectedTickException bidError = null;
      RejectedTickException askError = null;
      RejectedTickException timeError = null;

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
          int field = tokDecoded != null
              ? fieldOf(tokDecoded)
              : fieldOf(b, tokStart, tokEnd - tokStart);
          skipWhitespace();
          expect(':', "expected ':' after a field name");
          skipWhitespace();
          int c = peek();
          boolean isNull = c == 'n';
          switch (field) {
            case F_PAIR:
              pairError = null;
              if (c == '"') {
                readString();
                pair = tokText();
              } else {
                skipValue();
                pair = null;
                if (!isNull) {
                  pairError = new RejectedTickException(RejectReason.MISSING_FIELD, "pair is not a string");
                }
              }
              break;
            case F_BID:
            case F_ASK:
              long price = 0;
              boolean present = true;
              RejectedTickException error = null;
              String name = field == F_BID ? BID : ASK;
              if (c == '"') {
                readString();
                try {
                  price = tokDecoded != null
                      ? Prices.parsePrice(name, tokDecoded, 0, tokDecoded.length())
                      : Prices.parsePrice(name, text, tokStart, tokEnd);
                } catch (RejectedTickException e) {
                  error = e;
                }
              } else if (c == '-' || (c >= '0' && c <= '9')) {
                readNumber();
                try {
                  price = Prices.parsePrice(name, text, tokStart, tokEnd);
                } catch (RejectedTickException e) {
                  error = e;
                }
              } else if (isNull) {
                skipValue();
                present = false;
              } else {
                int from = pos;
                skipValue();
                error = new RejectedTickException(
                    RejectReason.NON_NUMERIC_PRICE, name + " is not a number: " + utf8(from, pos));
              }
              if (field == F_BID) {
                bid = price;
                hasBid = present && error == null;
                bidError = error;
              } else {
                ask = price;
                hasAsk = present && error == null;
                askError = error;
              }
              break;
            case F_EVENT_TIME:
              timeError = null;
              if (isNull) {
                skipValue();
                hasEventTime = false;
              } else {
                try {
                  eventTime = readTime(EVENT_TIME, c);
                  hasEventTime = true;
                } catch (RejectedTickException e) {
                  if (e.reason() == RejectReason.INVALID_JSON) {
                    throw e;
                  }
                  hasEventTime = false;
                  timeError = e;
                }
              }
              break;
            case F_INGEST_TIME:
              // Optional and informational: a bad value is ignored rather than losing the tick.
              try {
                ingestTime = isNull ? skipNull() : readTime(INGEST_TIME, c);
              } catch (RejectedTickException e) {
                if (e.reason() == RejectReason.INVALID_JSON) {
                  throw e;
                }
                ingestTime = Tick.NO_TIME;
              }
              break;
            case F_EXCHANGE:
              if (c == '"') {
                readString();
                exchange = tokText();
              } else {
                skipValue();
                exchange = null;
              }
              break;
            case F_UPDATE_ID:
              if (c == '-' || (c >= '0' && c <= '9')) {
                readNumber();
                updateId = parseLongOr(Tick.NO_UPDATE_ID);
              } else {
                skipValue();
                updateId = Tick.NO_UPDATE_ID;
              }
              break;
            default:
              skipValue();
          }
          skipWhitespace();
          int next = peek();
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
      if (pos != end) {
        throw invalid("unexpected text after the object");
      }

      if (pairError != null) {
        throw pairError;
      }
      if (pair == null || pair.isEmpty()) {
        throw missing(PAIR);
      }
      if (bidError != null) {
        throw bidError;
      }
      if (!hasBid) {
        throw missing(BID);
      }
      if (askError != null) {
        throw askError;
      }
      if (!hasAsk) {
        throw missing(ASK);
      }
      if (timeError != null) {
        throw timeError;
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

    private long readTime(String name, int c) throws RejectedTickException {
      if (c == '"') {
        readString();
        return tokDecoded != null
            ? EventTimes.parseIso(name, tokDecoded, 0, tokDecoded.length())
            : EventTimes.parseIso(name, text, tokStart, tokEnd);
      }
      if (c == '-' || (c >= '0' && c <= '9')) {
        readNumber();
        long v = parseLongOr(Long.MIN_VALUE);
        if (v == Long.MIN_VALUE) {
          throw EventTimes.unparseable(name, utf8(tokStart, tokEnd));
        }
        return EventTimes.checkEpochMillis(name, v);
      }
      int from = pos;
      skipValue();
      throw EventTimes.unparseable(name, utf8(from, pos));
    }

    /** The last number token as a long, or {@code otherwise} if it has a fraction or exponent. */
    private long parseLongOr(long otherwise) {
      int i = tokStart;
      boolean negative = b[i] == '-';
      if (negative) {
        i++;
      }
      if (tokEnd - i > 18) {
        return otherwise;
      }
      long v = 0;
      for (; i < tokEnd; i++) {
        int c = b[i];
        if (c < '0' || c > '9') {
          return otherwise;
        }
        v = v * 10 + (c - '0');
      }
      return negative ? -v : v;
    }

    /** The last string token's text; short ASCII ones (pairs, exchanges) come from a cache. */
    private String tokText() {
      return tokDecoded != null ? tokDecoded : Symbols.of(b, tokStart, tokEnd);
    }

    /** The bytes {@code [from, to)} decoded, for error details. */
    private String utf8(int from, int to) {
      return new String(b, from, to - from, StandardCharsets.UTF_8);
    }

    /** The byte at {@code pos} as an unsigned value. */
    private int peek() throws RejectedTickException {
      if (pos >= end) {
        throw invalid("the text ends too early");
      }
      return b[pos] & 0xff;
    }

    private void expect(char c, String what) throws RejectedTickException {
      if (pos >= end || b[pos] != c) {
        throw invalid(what);
      }
      pos++;
    }

    private void skipWhitespace() {
      while (pos < end) {
        byte c = b[pos];
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
      // The common case: no escapes, so the token is the bytes between the quotes.
      while (pos < end) {
        byte c = b[pos];
        if (c == '"') {
          tokEnd = pos;
          pos++;
          return;
        }
        if (c == '\\') {
          readEscapedString();
          return;
        }
        if (c >= 0 && c < 0x20) {
          throw invalid("a control character inside a string");
        }
        // Signed: the bytes of a multi-byte UTF-8 sequence are negative, and must form one.
        pos = c < 0 ? utf8Sequence(pos) : pos + 1;
      }
      throw invalid("a string is not closed");
    }

    /**
     * The position after the UTF-8 sequence that starts at {@code at}; JSON text is UTF-8
     * (RFC 8259), so a byte sequence that is not, overlong or surrogate forms included, is not JSON.
     */
    private int utf8Sequence(int at) throws RejectedTickException {
      int lead = b[at] & 0xff;
      int length;
      int min2 = 0x80;
      int max2 = 0xBF;
      if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
      } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0) {
          min2 = 0xA0;
        } else if (lead == 0xED) {
          max2 = 0x9F;
        }
      } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0) {
          min2 = 0x90;
        } else if (lead == 0xF4) {
          max2 = 0x8F;
        }
      } else {
        throw invalid("invalid UTF-8");
      }
      if (at + length > end) {
        throw invalid("invalid UTF-8");
      }
      int second = b[at + 1] & 0xff;
      if (second < min2 || second > max2) {
        throw invalid("invalid UTF-8");
      }
      for (int k = 2; k < length; k++) {
        int c = b[at + k] & 0xff;
        if (c < 0x80 || c > 0xBF) {
          throw invalid("invalid UTF-8");
        }
      }
      return at + length;
    }

    /** Finishes a string token from its first escape at {@code pos}, decoding it. */
    private void readEscapedString() throws RejectedTickException {
      StringBuilder decoded = new StringBuilder().append(utf8(tokStart, pos));
      int run = pos;
      while (true) {
        if (pos >= end) {
          throw invalid("a string is not closed");
        }
        byte c = b[pos];
        if (c == '"') {
          decoded.append(utf8(run, pos));
          tokEnd = pos;
          pos++;
          tokDecoded = decoded.toString();
          return;
        }
        if (c >= 0 && c < 0x20) {
          throw invalid("a control character inside a string");
        }
        if (c != '\\') {
          pos = c < 0 ? utf8Sequence(pos) : pos + 1;
          continue;
        }
        decoded.append(utf8(run, pos));
        if (pos + 1 >= end) {
          throw invalid("a string is not closed");
        }
        byte e = b[pos + 1];
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
            if (pos + 4 > end) {
              throw invalid("a bad \\u escape");
            }
            int code = 0;
            for (int k = 0; k < 4; k++) {
              int d = Character.digit(b[pos + k], 16);
              if (d < 0) {
                throw invalid("a bad \\u escape");
              }
              code = code * 16 + d;
            }
            decoded.append((char) code);
            pos += 4;
            break;
          default:
            throw invalid("a bad escape \\" + (char) (e & 0xff));
        }
        run = pos;
      }
    }

    /** Reads a JSON number token, checking its grammar. */
    private void readNumber() throws RejectedTickException {
      tokStart = pos;
      tokDecoded = null;
      if (pos < end && b[pos] == '-') {
        pos++;
      }
      int intStart = pos;
      skipDigits();
      if (pos == intStart || (b[intStart] == '0' && pos - intStart > 1)) {
        throw invalid("a malformed number");
      }
      if (pos < end && b[pos] == '.') {
        pos++;
        int fracStart = pos;
        skipDigits();
        if (pos == fracStart) {
          throw invalid("a malformed number");
        }
      }
      if (pos < end && (b[pos] == 'e' || b[pos] == 'E')) {
        pos++;
        if (pos < end && (b[pos] == '+' || b[pos] == '-')) {
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
      while (pos < end && b[pos] >= '0' && b[pos] <= '9') {
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
      int c = peek();
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
            int next = peek();
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
            int next = peek();
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
          throw invalid("unexpected character '" + describe(c) + "'");
      }
    }

    /** A byte for an error detail: itself when ASCII, else its hex value. */
    private static String describe(int c) {
      return c < 0x80 ? String.valueOf((char) c) : String.format("\\x%02X", c);
    }

    private void literal(String word) throws RejectedTickException {
      if (end - pos < word.length()) {
        throw invalid("unexpected text where a value should be");
      }
      for (int k = 0; k < word.length(); k++) {
        if (b[pos + k] != word.charAt(k)) {
          throw invalid("unexpected text where a value should be");
        }
      }
      pos += word.length();
    }

    private RejectedTickException invalid(String what) {
      return new RejectedTickException(
          RejectReason.INVALID_JSON, "not valid JSON: " + what + " at byte " + (pos - begin));
    }

    private static RejectedTickException missing(String field) {
      return new RejectedTickException(
          RejectReason.MISSING_FIELD, "required field " + field + " is missing or null");
    }
  }

  /**
   * The bytes of a JSON text seen as characters, one per byte, for {@link Prices} and
   * {@link EventTimes}: they accept ASCII only, and any other byte maps to a character they
   * reject, so reading UTF-8 this way never accepts what the decoded text would not.
   */
  private static final class Latin1View implements CharSequence {
    private final byte[] b;

    Latin1View(byte[] b) {
      this.b = b;
    }

    @Override
    public int length() {
      return b.length;
    }

    @Override
    public char charAt(int index) {
      return (char) (b[index] & 0xff);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      // Only for error details: decode, so they show the text as sent.
      return new String(b, start, end - start, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return new String(b, StandardCharsets.UTF_8);
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

  /** Which known field the key {@code b[start, start+len)} names, without allocating. */
  private static int fieldOf(byte[] b, int start, int len) {
    switch (len) {
      case 3:
        if (is(BID, b, start)) {
          return F_BID;
        }
        return is(ASK, b, start) ? F_ASK : F_OTHER;
      case 4:
        return is(PAIR, b, start) ? F_PAIR : F_OTHER;
      case 8:
        return is(EXCHANGE, b, start) ? F_EXCHANGE : F_OTHER;
      case 9:
        return is(UPDATE_ID, b, start) ? F_UPDATE_ID : F_OTHER;
      case 10:
        return is(EVENT_TIME, b, start) ? F_EVENT_TIME : F_OTHER;
      case 11:
        return is(INGEST_TIME, b, start) ? F_INGEST_TIME : F_OTHER;
      default:
        return F_OTHER;
    }
  }

  /** Which known field a key that had escapes names. */
  private static int fieldOf(String key) {
    byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
    return fieldOf(utf8, 0, utf8.length);
  }

  /** Whether {@code b} holds the ASCII {@code name} at {@code start} (the length is checked). */
  private static boolean is(String name, byte[] b, int start) {
    for (int k = 0; k < name.length(); k++) {
      if (b[start + k] != name.charAt(k)) {
        return false;
      }
    }
    return true;
  }
}
