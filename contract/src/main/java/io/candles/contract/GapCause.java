package io.candles.contract;

/**
 * Why the ingester marked a {@link Gap}. The {@link #code()} is what the gap record carries; codes
 * are stable. A reader meeting a code it does not know (from a newer ingester) keeps the gap as
 * {@link #OTHER}: the gap still counts, only its cause is unnamed.
 */
public enum GapCause {
  /** The connection to the exchange was lost; the gap lasts until data flows again. */
  RECONNECT("reconnect"),
  /** The connection stayed open but sent nothing for longer than the watchdog allows. */
  SILENCE("silence"),
  /** The flow was stopped over the ingester's REST API, until it was started again. */
  STOPPED("stopped"),
  /**
   * The ingester process was not running: from the last record the previous process wrote for the
   * connection's pairs until data flows in the new one.
   */
  RESTART("restart"),
  /** The exchange's sequence ({@code update_id}) skipped updates the exchange says it sent. */
  SEQUENCE_JUMP("sequence_jump"),
  /** A cause this reader does not know. */
  OTHER("other");

  private final String code;

  GapCause(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  /** The cause with this code, or {@link #OTHER}. */
  public static GapCause of(String code) {
    for (GapCause c : values()) {
      if (c.code.equals(code)) {
        return c;
      }
    }
    return OTHER;
  }
}
