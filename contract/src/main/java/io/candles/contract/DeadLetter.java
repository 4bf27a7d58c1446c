package io.candles.contract;

/**
 * A rejected record on its way to the dead-letter topic ({@code ticks-dlq}): the raw payload,
 * why it was rejected, and where it came from, so nothing is lost and it can be replayed.
 *
 * @param key the original record key, or null
 * @param raw the original record value exactly as received, or null
 * @param reason the rule it broke
 * @param detail one line naming the field and value
 * @param source where it came from, e.g. {@code ticks/2@1234} (topic/partition@offset) or a
 *     WebSocket stream name
 */
public record DeadLetter(String key, String raw, RejectReason reason, String detail, String source) {

  /**
   * The dead-letter record value: a JSON object with {@code reason}, {@code detail},
   * {@code source} and {@code raw} (the original value as a string).
   */
  public String toJson() {
    return toJson(reason.code(), detail, source, raw);
  }

  /**
   * The same envelope for a reason code outside {@link RejectReason}, e.g. one of
   * {@link IngestRejectReason}: a producer's own checks go to the same topic in the same shape.
   */
  public static String toJson(String reasonCode, String detail, String source, String raw) {
    StringBuilder sb = new StringBuilder(64 + (raw == null ? 0 : raw.length() + 16));
    sb.append("{\"reason\":");
    Json.appendQuoted(sb, reasonCode);
    sb.append(",\"detail\":");
    Json.appendQuoted(sb, detail);
    sb.append(",\"source\":");
    Json.appendQuoted(sb, source);
    sb.append(",\"raw\":");
    Json.appendQuoted(sb, raw);
    return sb.append('}').toString();
  }

  /** The dead letter for a rejected value. */
  public static DeadLetter of(String key, String raw, RejectedTickException e, String source) {
    return new DeadLetter(key, raw, e.reason(), e.detail(), source);
  }
}
