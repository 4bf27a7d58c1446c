package io.candles.contract;

import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * A rejected record on its way to the dead-letter topic ({@code ticks-dlq}): the raw payload,
 * why it was rejected, and where it came from, so nothing is lost and it can be replayed.
 *
 * <p>The envelope is a JSON object: {@code reason}, {@code detail}, {@code source}, {@code raw}
 * (the original value as a string), and, when the raw payload had to be cut,
 * {@code "raw_truncated":true} with its original length in {@code raw_length}; a binary payload is
 * carried as base64 with {@code "raw_encoding":"base64"}. Readers that do not know the optional
 * fields ignore them.
 *
 * <p>Why a cap: a record has no size limit that a dead letter could rely on, and a Kafka record has
 * one ({@code max.request.size}, 1 MB by default); a dead letter carrying a huge value whole would
 * be refused and lost. So at most {@link #MAX_RAW_CHARS} characters of the raw payload are kept.
 *
 * @param key the original record key, or null
 * @param raw the original record value exactly as received, or null
 * @param reason the rule it broke
 * @param detail one line naming the field and value
 * @param source where it came from, e.g. {@code ticks/2@1234} (topic/partition@offset) or a
 *     WebSocket stream name
 */
public record DeadLetter(String key, String raw, RejectReason reason, String detail, String source) {

  /** 64 Ki characters: even escaped six-fold, well inside a producer's 1 MB default limit. */
  public static final int MAX_RAW_CHARS = 64 * 1024;

  /** The most bytes of a binary payload kept: their base64 is exactly {@link #MAX_RAW_CHARS} characters. */
  public static final int MAX_BINARY_BYTES = MAX_RAW_CHARS / 4 * 3;

  /**
   * The dead-letter record value for this rejection. The raw payload is capped at
   * {@link #MAX_RAW_CHARS} characters, and then marked truncated with its original length.
   */
  public String toJson() {
    if (raw == null || raw.length() <= MAX_RAW_CHARS) {
      return envelope(reason, detail, source, raw, null, -1);
    }
    int cut = MAX_RAW_CHARS;
    if (Character.isHighSurrogate(raw.charAt(cut - 1))) {
      cut--; // never split a surrogate pair into invalid text
    }
    return envelope(reason, detail + " (raw payload truncated to its first " + cut + " of "
        + raw.length() + " characters)", source, raw.substring(0, cut), null, raw.length());
  }

  /**
   * The envelope for a binary payload: {@code raw} is the base64 of its bytes (the first
   * {@link #MAX_BINARY_BYTES} of them, marked truncated, if it is longer).
   */
  public static String binaryToJson(RejectReason reason, String detail, String source, ByteBuffer bytes) {
    int length = bytes.remaining();
    boolean truncated = length > MAX_BINARY_BYTES;
    byte[] kept = new byte[Math.min(length, MAX_BINARY_BYTES)];
    bytes.duplicate().get(kept);
    return envelope(reason, detail + "; raw is the base64 of "
        + (truncated ? "its first " + kept.length + " of " + length + " bytes" : "its " + length + " bytes"),
        source, Base64.getEncoder().encodeToString(kept), "base64", truncated ? length : -1);
  }

  /** @param truncatedFrom the original length when {@code raw} was cut, else negative */
  private static String envelope(RejectReason reason, String detail, String source, String raw,
      String encoding, long truncatedFrom) {
    StringBuilder sb = new StringBuilder(80 + (raw == null ? 0 : raw.length() + 16));
    sb.append("{\"reason\":");
    Json.appendQuoted(sb, reason.code());
    sb.append(",\"detail\":");
    Json.appendQuoted(sb, detail);
    sb.append(",\"source\":");
    Json.appendQuoted(sb, source);
    sb.append(",\"raw\":");
    Json.appendQuoted(sb, raw);
    if (encoding != null) {
      sb.append(",\"raw_encoding\":");
      Json.appendQuoted(sb, encoding);
    }
    if (truncatedFrom >= 0) {
      sb.append(",\"raw_truncated\":true,\"raw_length\":").append(truncatedFrom);
    }
    return sb.append('}').toString();
  }

  /** The dead letter for a rejected value. */
  public static DeadLetter of(String key, String raw, RejectedTickException e, String source) {
    return new DeadLetter(key, raw, e.reason(), e.detail(), source);
  }
}
