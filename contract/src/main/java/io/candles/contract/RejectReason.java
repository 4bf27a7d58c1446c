package io.candles.contract;

/**
 * Why a tick record was rejected: the contract's rejection rules, one constant each. The
 * {@link #code()} is what the dead-letter topic and the metrics carry. Codes are stable: they are
 * written to Kafka and to checkpoints, so a constant may be added but never renamed.
 */
public enum RejectReason {
  /** The value is not a JSON object (or is empty). */
  INVALID_JSON("invalid_json"),
  /** A required field ({@code pair}, {@code bid}, {@code ask}, {@code event_time}) is missing or null. */
  MISSING_FIELD("missing_field"),
  /** {@code bid} or {@code ask} is not a plain decimal number. */
  NON_NUMERIC_PRICE("non_numeric_price"),
  /** {@code bid} or {@code ask} is zero or negative. */
  NON_POSITIVE_PRICE("non_positive_price"),
  /**
   * {@code bid} or {@code ask} cannot be held exactly: more than 8 significant decimal places, or
   * above 9,000,000,000. Prices stay exact, so such a value is rejected rather than rounded.
   */
  PRICE_OUT_OF_RANGE("price_out_of_range"),
  /** {@code ask < bid}. */
  CROSSED_BOOK("crossed_book"),
  /** {@code event_time} cannot be parsed. */
  UNPARSEABLE_TIME("unparseable_time"),
  /**
   * {@code event_time} is more than the allowed clock skew ahead of the clock it is checked
   * against ({@link TickRules#checkClock}): a bad exchange or producer clock, which would otherwise
   * pin the watermark in the future.
   */
  EVENT_TIME_IN_FUTURE("event_time_in_future"),
  /**
   * A valid tick read after the allowed lateness of its windows had passed, so it can no longer
   * change them. Only the pipeline decides this (it alone knows the watermark); it is counted and
   * dead-lettered rather than dropped silently.
   */
  LATE("late");

  private final String code;

  RejectReason(String code) {
    this.code = code;
  }

  /** The stable snake_case name used in the dead-letter topic and in metric names. */
  public String code() {
    return code;
  }
}
