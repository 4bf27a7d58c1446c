package io.candles.contract;

import java.nio.charset.StandardCharsets;

/**
 * The tick record's JSON value: a single-pass reader that goes straight from the UTF-8 bytes (as
 * Kafka delivers them) to a {@link Tick} with exact prices (no tree, no {@code double}, no
 * intermediate {@code String}), on the project's JSON grammar ({@link JsonScanner}) and the
 * contract's rules ({@link TickRules}), and the writer the ingester uses.
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
  /**
   * Optional, together: the spread of the producer's previous tick of the pair, and that tick's
   * event time. The spread held from then until this tick, which is what the time-weighted spread
   * of a candle adds up. Left out after a feed gap, when what held in between is unknown.
   */
  public static final String PREV_SPREAD = "prev_spread";
  public static final String PREV_EVENT_TIME = "prev_event_time";
  /** Absent on a tick; {@value #KIND_GAP} on a {@link Gap}. Any other value is rejected. */
  public static final String KIND = "kind";
  public static final String KIND_GAP = "gap";
  public static final String GAP_START = "gap_start";
  public static final String GAP_END = "gap_end";
  public static final String CAUSE = "cause";

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
    return tickOnly(Reader.read(utf8, 0, utf8.length));
  }

  /**
   * Reads and validates one record of the ticks topic, a tick or a gap, from its UTF-8 encoding in
   * {@code utf8[offset, offset+length)}.
   *
   * @throws RejectedTickException naming the contract rule it breaks
   */
  public static TickRecord parseRecord(byte[] utf8, int offset, int length) throws RejectedTickException {
    if (utf8 == null || length == 0) {
      throw empty();
    }
    return Reader.read(utf8, offset, offset + length);
  }

  private static Tick tickOnly(TickRecord r) throws RejectedTickException {
    if (r instanceof Tick t) {
      return t;
    }
    throw new RejectedTickException(RejectReason.UNKNOWN_KIND,
        "a gap record where a tick was expected (this reader takes ticks only)");
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
    return tickOnly(Reader.read(utf8, offset, offset + length));
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
    return write(pair, bid, ask, eventTimeMillis, ingestTimeMillis, exchange, updateId, Tick.NO_SPREAD,
        Tick.NO_TIME);
  }

  /**
   * Writes a tick record value with the spread that held before it ({@link #PREV_SPREAD}).
   *
   * @param prevSpread the previous tick's ask - bid in 10^-8 units, or {@link Tick#NO_SPREAD}
   * @param prevEventTimeMillis the previous tick's event time, or {@link Tick#NO_TIME}; both
   *     fields are left out unless both are given
   */
  public static String write(
      String pair, String bid, String ask, long eventTimeMillis, long ingestTimeMillis,
      String exchange, long updateId, long prevSpread, long prevEventTimeMillis) {
    StringBuilder sb = new StringBuilder(224);
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
    if (prevSpread != Tick.NO_SPREAD && prevEventTimeMillis != Tick.NO_TIME) {
      sb.append(",\"prev_spread\":\"").append(Prices.priceToDecimal(prevSpread).toPlainString())
          .append("\",\"prev_event_time\":\"").append(EventTimes.format(prevEventTimeMillis)).append('"');
    }
    return sb.append('}').toString();
  }

  /** Writes a gap record value; times as ISO-8601 UTC, like a tick's. */
  public static String write(Gap gap) {
    StringBuilder sb = new StringBuilder(128);
    sb.append("{\"kind\":\"gap\",\"pair\":");
    Json.appendQuoted(sb, gap.pair());
    sb.append(",\"gap_start\":\"").append(EventTimes.format(gap.startMillis())).append('"');
    sb.append(",\"gap_end\":\"").append(EventTimes.format(gap.endMillis())).append('"');
    sb.append(",\"cause\":");
    Json.appendQuoted(sb, gap.cause().code());
    return sb.append('}').toString();
  }

  /**
   * One tick record value, read with the project's JSON grammar ({@link JsonScanner}). One reader
   * per thread, reused: a tick then allocates nothing but itself, where a reader per value would
   * double what the parse allocates (the scanner and the fields do not stay on the stack).
   */
  private static final class Reader {
    private static final ThreadLocal<Reader> OF_THREAD = ThreadLocal.withInitial(Reader::new);

    private final JsonScanner s = new JsonScanner(null, 0, 0);
    /** The bytes as characters, for the price and time parsers (which only see ASCII tokens). */
    private final Latin1View text = new Latin1View();
    // A required field's own error counts only if the field is not given again (the last one
    // wins), and only once the whole value is known to be JSON: so TickRules judges at the end.
    private final TickRules.Fields fields = new TickRules.Fields(TickRules.Names.CONTRACT);
    private byte[] b;

    static TickRecord read(byte[] utf8, int begin, int end) throws RejectedTickException {
      Reader r = OF_THREAD.get();
      r.b = utf8;
      r.s.reset(utf8, begin, end);
      r.text.b = utf8;
      r.fields.clear();
      try {
        return r.readRecord();
      } finally {
        // Hold no record's bytes between reads.
        r.b = null;
        r.s.reset(null, 0, 0);
        r.text.b = null;
      }
    }

    private TickRecord readRecord() throws RejectedTickException {
      String exchange = null;
      long ingestTime = Tick.NO_TIME;
      long updateId = Tick.NO_UPDATE_ID;
      long prevSpread = Tick.NO_SPREAD;
      long prevEventTime = Tick.NO_TIME;
      // A gap's own fields; a tick has none of them.
      String kind = null;
      long gapStart = Tick.NO_TIME;
      long gapEnd = Tick.NO_TIME;
      String cause = null;

      s.beginObject("the value does not start with '{'");
      while (s.nextField()) {
        int field = s.tokenDecoded() != null
            ? fieldOf(s.tokenDecoded())
            : fieldOf(b, s.tokenStart(), s.tokenEnd() - s.tokenStart());
        int c = s.peek();
        boolean isNull = c == 'n';
        switch (field) {
          case F_PAIR:
            if (c == '"') {
              s.readString();
              fields.pair(s.tokenSymbol());
            } else {
              s.skipValue();
              if (isNull) {
                fields.pair(null);
              } else {
                fields.pairError(new RejectedTickException(RejectReason.MISSING_FIELD, "pair is not a string"));
              }
            }
            break;
          case F_BID:
          case F_ASK:
            TickRules.Price price = field == F_BID ? fields.bid() : fields.ask();
            try {
              long units = readPrice(field == F_BID ? BID : ASK, c, false);
              if (units == NULL_PRICE) {
                price.absent(null);
              } else {
                price.set(units, null);
              }
            } catch (RejectedTickException e) {
              rethrowIfNotJson(e);
              price.absent(e);
            }
            break;
          case F_EVENT_TIME:
            if (isNull) {
              s.skipValue();
              fields.noEventTime(null);
            } else {
              try {
                fields.eventTime(readTime(EVENT_TIME, c));
              } catch (RejectedTickException e) {
                rethrowIfNotJson(e);
                fields.noEventTime(e);
              }
            }
            break;
          case F_INGEST_TIME:
            // Optional and informational: a bad value is ignored rather than losing the tick.
            try {
              ingestTime = isNull ? skipNull() : readTime(INGEST_TIME, c);
            } catch (RejectedTickException e) {
              rethrowIfNotJson(e);
              ingestTime = Tick.NO_TIME;
            }
            break;
          case F_EXCHANGE:
            if (c == '"') {
              s.readString();
              exchange = s.tokenSymbol();
            } else {
              s.skipValue();
              exchange = null;
            }
            break;
          case F_UPDATE_ID:
            if (c == '-' || (c >= '0' && c <= '9')) {
              s.readNumber();
              updateId = s.tokenLongOr(Tick.NO_UPDATE_ID);
            } else {
              s.skipValue();
              updateId = Tick.NO_UPDATE_ID;
            }
            break;
          case F_PREV_SPREAD:
            // Optional and informational, like ingest_time: a bad value is ignored.
            try {
              long units = readPrice(PREV_SPREAD, c, true);
              prevSpread = units == NULL_PRICE ? Tick.NO_SPREAD : units;
            } catch (RejectedTickException e) {
              rethrowIfNotJson(e);
              prevSpread = Tick.NO_SPREAD;
            }
            break;
          case F_PREV_EVENT_TIME:
            try {
              prevEventTime = isNull ? skipNull() : readTime(PREV_EVENT_TIME, c);
            } catch (RejectedTickException e) {
              rethrowIfNotJson(e);
              prevEventTime = Tick.NO_TIME;
            }
            break;
          case F_KIND:
            if (c == '"') {
              s.readString();
              kind = s.tokenSymbol();
            } else {
              int from = s.position();
              s.skipValue();
              kind = s.utf8(from, s.position());
            }
            break;
          case F_GAP_START:
          case F_GAP_END:
            long t = isNull ? skipNull() : readTime(field == F_GAP_START ? GAP_START : GAP_END, c);
            if (field == F_GAP_START) {
              gapStart = t;
            } else {
              gapEnd = t;
            }
            break;
          case F_CAUSE:
            if (c == '"') {
              s.readString();
              cause = s.tokenSymbol();
            } else {
              s.skipValue();
              cause = null;
            }
            break;
          default:
            s.skipValue();
        }
      }
      s.expectEnd();
      if (kind != null) {
        return gap(kind, gapStart, gapEnd, cause);
      }
      TickRules.check(fields);
      if (prevSpread == Tick.NO_SPREAD || prevEventTime == Tick.NO_TIME || prevEventTime > fields.eventTime()) {
        // Only both together say what held before this tick, and only up to it.
        prevSpread = Tick.NO_SPREAD;
        prevEventTime = Tick.NO_TIME;
      }
      return new Tick(fields.pair(), fields.bidUnits(), fields.askUnits(), fields.eventTime(), ingestTime,
          exchange, updateId, prevSpread, prevEventTime);
    }

    private Gap gap(String kind, long start, long end, String cause) throws RejectedTickException {
      if (!KIND_GAP.equals(kind)) {
        throw new RejectedTickException(RejectReason.UNKNOWN_KIND, "kind is " + kind
            + ": this reader knows ticks (no kind) and gaps (\"gap\"); is the producer newer than the pipeline?");
      }
      String pair = fields.pair();
      if (pair == null || pair.isEmpty()) {
        throw new RejectedTickException(RejectReason.MISSING_FIELD, "pair is missing from a gap record");
      }
      if (start == Tick.NO_TIME || end == Tick.NO_TIME) {
        throw new RejectedTickException(RejectReason.MISSING_FIELD,
            (start == Tick.NO_TIME ? GAP_START : GAP_END) + " is missing from a gap record");
      }
      if (end < start) {
        throw new RejectedTickException(RejectReason.INVALID_GAP, "gap_end " + EventTimes.format(end)
            + " is before gap_start " + EventTimes.format(start));
      }
      return new Gap(pair, start, end, GapCause.of(cause));
    }

    /** Not valid JSON ends the read at once; any other rejection waits for the whole value. */
    private static void rethrowIfNotJson(RejectedTickException e) throws RejectedTickException {
      if (e.reason() == RejectReason.INVALID_JSON) {
        throw e;
      }
    }

    /**
     * A price string or number in 10^-8 units, or {@link #NULL_PRICE} for JSON null; a spread
     * ({@code zeroAllowed}) may also be zero.
     */
    private long readPrice(String name, int c, boolean zeroAllowed) throws RejectedTickException {
      if (c == '"') {
        s.readString();
        String decoded = s.tokenDecoded();
        return decoded != null
            ? parse(name, decoded, 0, decoded.length(), zeroAllowed)
            : parse(name, text, s.tokenStart(), s.tokenEnd(), zeroAllowed);
      }
      if (c == '-' || (c >= '0' && c <= '9')) {
        s.readNumber();
        return parse(name, text, s.tokenStart(), s.tokenEnd(), zeroAllowed);
      }
      int from = s.position();
      boolean isNull = s.skipValue() == JsonScanner.Kind.NULL;
      if (isNull) {
        return NULL_PRICE;
      }
      throw new RejectedTickException(
          RejectReason.NON_NUMERIC_PRICE, name + " is not a number: " + s.utf8(from, s.position()));
    }

    private static long parse(String name, CharSequence t, int start, int end, boolean zeroAllowed)
        throws RejectedTickException {
      return zeroAllowed ? Prices.parseSpread(name, t, start, end) : Prices.parsePrice(name, t, start, end);
    }

    private long skipNull() throws RejectedTickException {
      s.skipValue();
      return Tick.NO_TIME;
    }

    private long readTime(String name, int c) throws RejectedTickException {
      if (c == '"') {
        s.readString();
        String decoded = s.tokenDecoded();
        return decoded != null
            ? EventTimes.parseIso(name, decoded, 0, decoded.length())
            : EventTimes.parseIso(name, text, s.tokenStart(), s.tokenEnd());
      }
      if (c == '-' || (c >= '0' && c <= '9')) {
        s.readNumber();
        long v = s.tokenLongOr(Long.MIN_VALUE);
        if (v == Long.MIN_VALUE) {
          throw EventTimes.unparseable(name, s.utf8(s.tokenStart(), s.tokenEnd()));
        }
        return EventTimes.checkEpochMillis(name, v);
      }
      int from = s.position();
      s.skipValue();
      throw EventTimes.unparseable(name, s.utf8(from, s.position()));
    }
  }

  /** No price or spread can be negative, so this marks a JSON null one ({@link Tick#NO_SPREAD} too). */
  private static final long NULL_PRICE = -1;

  /**
   * The bytes of a JSON text seen as characters, one per byte, for {@link Prices} and
   * {@link EventTimes}: they accept ASCII only, and any other byte maps to a character they
   * reject, so reading UTF-8 this way never accepts what the decoded text would not.
   */
  private static final class Latin1View implements CharSequence {
    private byte[] b;

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
  private static final int F_KIND = 8;
  private static final int F_GAP_START = 9;
  private static final int F_GAP_END = 10;
  private static final int F_CAUSE = 11;
  private static final int F_PREV_SPREAD = 12;
  private static final int F_PREV_EVENT_TIME = 13;

  /** Which known field the key {@code b[start, start+len)} names, without allocating. */
  private static int fieldOf(byte[] b, int start, int len) {
    switch (len) {
      case 3:
        if (is(BID, b, start)) {
          return F_BID;
        }
        return is(ASK, b, start) ? F_ASK : F_OTHER;
      case 4:
        if (is(PAIR, b, start)) {
          return F_PAIR;
        }
        return is(KIND, b, start) ? F_KIND : F_OTHER;
      case 5:
        return is(CAUSE, b, start) ? F_CAUSE : F_OTHER;
      case 7:
        return is(GAP_END, b, start) ? F_GAP_END : F_OTHER;
      case 8:
        return is(EXCHANGE, b, start) ? F_EXCHANGE : F_OTHER;
      case 9:
        if (is(UPDATE_ID, b, start)) {
          return F_UPDATE_ID;
        }
        return is(GAP_START, b, start) ? F_GAP_START : F_OTHER;
      case 10:
        return is(EVENT_TIME, b, start) ? F_EVENT_TIME : F_OTHER;
      case 11:
        if (is(INGEST_TIME, b, start)) {
          return F_INGEST_TIME;
        }
        return is(PREV_SPREAD, b, start) ? F_PREV_SPREAD : F_OTHER;
      case 15:
        return is(PREV_EVENT_TIME, b, start) ? F_PREV_EVENT_TIME : F_OTHER;
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
