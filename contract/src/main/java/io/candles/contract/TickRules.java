package io.candles.contract;

/**
 * The contract's rules about a tick: its required fields and its book ({@link #check(Fields)}),
 * and its clock ({@link #checkClock}). The ingester and the pipeline both call these, so a rule
 * changes in one place for the producer and the consumer.
 */
public final class TickRules {

  /** The contract's default allowed clock skew: one minute. */
  public static final long DEFAULT_MAX_CLOCK_SKEW_MILLIS = 60_000L;

  private TickRules() {}

  /**
   * Rejects a tick whose event time is more than {@code maxSkewMillis} ahead of the clock it is
   * checked against: the time the ingester received it ({@code ingestTimeMillis}) when the record
   * carries one, else {@code nowMillis}; never a time ahead of {@code nowMillis}.
   *
   * <p>Why the ingest time first: it is what the ingester checked against when it took the tick,
   * so a record the ingester accepted is accepted again on every replay, a year later as on the
   * day, and a replay of the same records gives the same candles. A record without an ingest time
   * (another producer) is checked against the reader's clock, which only grows, so a tick accepted
   * once is accepted on every later read.
   *
   * @param ingestTimeMillis {@link Tick#NO_TIME} when the record has none
   */
  public static void checkClock(long eventTimeMillis, long ingestTimeMillis, long nowMillis,
      long maxSkewMillis) throws RejectedTickException {
    long reference = ingestTimeMillis == Tick.NO_TIME ? nowMillis : Math.min(ingestTimeMillis, nowMillis);
    if (eventTimeMillis - reference > maxSkewMillis) {
      throw new RejectedTickException(RejectReason.EVENT_TIME_IN_FUTURE,
          "event_time " + EventTimes.format(eventTimeMillis) + " is " + (eventTimeMillis - reference)
              + " ms ahead of " + (reference == nowMillis ? "the clock" : "its ingest_time")
              + " (" + EventTimes.format(reference) + "); at most " + maxSkewMillis
              + " ms is allowed: check the producer's or the exchange's clock");
    }
  }

  /**
   * The contract's rules on a record's required fields and its book, in the one order every reader
   * applies them: for pair, bid, ask and event time in turn, the field's own error (a value of the
   * wrong kind, a price or time that does not parse) or else its absence
   * ({@link RejectReason#MISSING_FIELD}); then a crossed book ({@link RejectReason#CROSSED_BOOK}).
   *
   * @throws RejectedTickException the first rule broken
   */
  public static void check(Fields f) throws RejectedTickException {
    if (f.pairError != null) {
      throw f.pairError;
    }
    if (f.pair == null || f.pair.isEmpty()) {
      throw missing(f.names.pair());
    }
    f.bid.check(f.names.bid());
    f.ask.check(f.names.ask());
    if (f.timeError != null) {
      throw f.timeError;
    }
    if (!f.hasTime) {
      throw missing(f.names.eventTime());
    }
    if (f.ask.units < f.bid.units) {
      throw new RejectedTickException(RejectReason.CROSSED_BOOK,
          "ask " + f.ask.shown() + " is below bid " + f.bid.shown());
    }
  }

  private static RejectedTickException missing(String field) {
    return new RejectedTickException(
        RejectReason.MISSING_FIELD, "required field " + field + " is missing or null");
  }

  /**
   * What a source calls the required fields in its rejection details.
   *
   * @param pair e.g. {@code pair}, or {@code s (pair)} for an exchange's own name
   */
  public record Names(String pair, String bid, String ask, String eventTime) {
    /** The contract's own field names. */
    public static final Names CONTRACT =
        new Names(TickJson.PAIR, TickJson.BID, TickJson.ASK, TickJson.EVENT_TIME);
  }

  /**
   * The required fields of one record as a reader finds them, for {@link TickRules#check}: each
   * one present, absent (never set, or JSON null), or in error. When a field is given twice, the
   * last one set counts, as in most JSON readers.
   */
  public static final class Fields {
    private final Names names;
    private final Price bid = new Price();
    private final Price ask = new Price();
    private String pair;
    private RejectedTickException pairError;
    private long eventTime;
    private boolean hasTime;
    private RejectedTickException timeError;

    public Fields(Names names) {
      this.names = names;
    }

    /** Forgets every field, for the next record. */
    public void clear() {
      pair = null;
      pairError = null;
      bid.clear();
      ask.clear();
      eventTime = 0;
      hasTime = false;
      timeError = null;
    }

    /** The pair, or null for JSON null. */
    public void pair(String value) {
      pair = value;
      pairError = null;
    }

    /** The pair is given but not usable (e.g. not a string). */
    public void pairError(RejectedTickException e) {
      pair = null;
      pairError = e;
    }

    /** The bid, to set. */
    public Price bid() {
      return bid;
    }

    /** The ask, to set. */
    public Price ask() {
      return ask;
    }

    /** The event time, epoch milliseconds. */
    public void eventTime(long millis) {
      eventTime = millis;
      hasTime = true;
      timeError = null;
    }

    /** The event time is absent (JSON null) or, with an error, given but not a valid time. */
    public void noEventTime(RejectedTickException errorOrNull) {
      hasTime = false;
      timeError = errorOrNull;
    }

    public String pair() {
      return pair;
    }

    public long bidUnits() {
      return bid.units;
    }

    public long askUnits() {
      return ask.units;
    }

    public long eventTime() {
      return eventTime;
    }
  }

  /** One price of a {@link Fields}: present, absent or in error. */
  public static final class Price {
    private long units;
    private boolean present;
    private String text;
    private RejectedTickException error;

    private Price() {}

    private void clear() {
      absent(null);
      text = null;
    }

    /**
     * The price in 10^-8 units; {@code text} is how the source wrote it, for a rejection's detail
     * (null: the units are shown).
     */
    public void set(long units, String text) {
      this.units = units;
      this.text = text;
      this.present = true;
      this.error = null;
    }

    /** The price is absent (JSON null) or, with an error, given but not a valid price. */
    public void absent(RejectedTickException errorOrNull) {
      this.units = 0;
      this.present = false;
      this.error = errorOrNull;
    }

    private void check(String name) throws RejectedTickException {
      if (error != null) {
        throw error;
      }
      if (!present) {
        throw missing(name);
      }
    }

    private Object shown() {
      return text != null ? text : Prices.priceToDecimal(units);
    }
  }
}
