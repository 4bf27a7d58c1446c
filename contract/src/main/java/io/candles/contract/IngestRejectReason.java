package io.candles.contract;

/**
 * Why the ingester rejected an exchange message, beyond the contract's own rules in
 * {@link RejectReason}: checks that need the exchange's sequence or the previous tick, so only
 * the ingester can make them. The {@link #code()} is what {@code ticks-dlq} and the metrics carry,
 * in the same envelope as {@link DeadLetter}.
 */
public enum IngestRejectReason {
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
  /** The exchange's {@code update_id} is present but not an integer. */
  INVALID_UPDATE_ID("invalid_update_id"),
  /**
   * The mid price moved more than the configured fraction from the pair's previous tick. Flagged and
   * still produced by default; a dead letter only when the ingester is configured to drop such ticks.
   */
  PRICE_JUMP("price_jump"),
  /** The message is a valid quote for a pair that this ingester was not asked to stream. */
  UNEXPECTED_PAIR("unexpected_pair");

  private final String code;

  IngestRejectReason(String code) {
    this.code = code;
  }

  /** The stable snake_case name used in the dead-letter topic and in metric names. */
  public String code() {
    return code;
  }
}
