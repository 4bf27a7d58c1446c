package io.candles.contract;

/**
 * Why a tick record or an exchange message was rejected: every reason of the project, one
 * constant each, in one place, as the contract asks. The {@link #code()} is what the dead-letter
 * topic ({@link DeadLetter}) and the metrics carry. Codes are stable: they are written to Kafka
 * and to checkpoints, so a constant may be added but never renamed.
 *
 * <p>Three groups: the contract's own rules, which every reader of tick records applies (the
 * ingester to what the exchange sends, the pipeline to what is on Kafka); {@link #LATE}, which only
 * the pipeline can decide; and the ingester's own, which need the raw WebSocket frame, the
 * exchange's sequence or the previous tick. {@link #PRICE_OUT_OF_RANGE} is this project's addition
 * to the contract's list (see the README's Limits).
 */
public enum RejectReason {
  // The contract's rules.

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
   * above 9,000,000,000. Prices stay exact, so such a value is rejected rather than rounded. Not in
   * the contract's list: this project's addition, as the README's Limits say.
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
   * The value's {@code kind} is neither absent (a tick) nor {@code gap}: a record kind from a newer
   * producer, kept in the dead-letter topic rather than misread.
   */
  UNKNOWN_KIND("unknown_kind"),
  /** A gap record whose {@code gap_end} is before its {@code gap_start}. */
  INVALID_GAP("invalid_gap"),

  // The pipeline's.

  /**
   * A valid tick read after the allowed lateness of its windows had passed, so it can no longer
   * change them. Only the pipeline decides this (it alone knows the watermark); it is counted and
   * dead-lettered rather than dropped silently.
   */
  LATE("late"),

  // The ingester's: checks on the exchange's messages that only the ingester can make.

  /**
   * A binary WebSocket frame: the exchanges here send text only, so it cannot be a quote. Its
   * bytes are carried in base64 ({@link DeadLetter#binaryToJson}).
   */
  BINARY_FRAME("binary_frame"),
  /**
   * The exchange's {@code update_id} for a pair equals the last one seen for that pair, on any
   * connection (the ingester keeps it across reconnects).
   */
  DUPLICATE_UPDATE_ID("duplicate_update_id"),
  /**
   * The exchange's {@code update_id} for a pair is lower than the last one seen for that pair, on
   * any connection; a sequence that restarted is accepted again after a run of in-order updates.
   */
  BACKWARDS_UPDATE_ID("backwards_update_id"),
  /** The exchange's {@code update_id} is present but not a non-negative integer. */
  INVALID_UPDATE_ID("invalid_update_id"),
  /**
   * The mid price moved more than the configured fraction from the pair's previous tick. Flagged and
   * still produced by default; a dead letter only when the ingester is configured to drop such ticks.
   */
  PRICE_JUMP("price_jump"),
  /** The message is a valid quote for a pair that this ingester was not asked to stream. */
  UNEXPECTED_PAIR("unexpected_pair");

  private final String code;

  RejectReason(String code) {
    this.code = code;
  }

  /** The stable snake_case name used in the dead-letter topic and in metric names. */
  public String code() {
    return code;
  }
}
