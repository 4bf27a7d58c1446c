package io.candles.contract;

/**
 * The contract's rules about a tick that need more than its own fields: the ingester and the
 * pipeline both call these, so a rule changes in one place for the producer and the consumer.
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
}
