package io.candles.ingest.quality;

import io.candles.contract.DeadLetter;
import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * The dead-letter value for a rejected exchange message, with the raw payload capped.
 *
 * <p>The raw payload is copied so a reject can be replayed, but an exchange frame has no size
 * limit and a Kafka record has one ({@code max.request.size}, 1 MB by default): a dead letter
 * carrying a huge frame whole would be refused by the producer. So at most {@link #MAX_RAW_CHARS}
 * characters are kept; a cut payload is marked with {@code "raw_truncated":true} and its original
 * length in {@code "raw_length"} (fields added to the contract's envelope; readers that do not
 * know them ignore them).
 */
public final class DeadLetters {
  /** 64 Ki characters: even escaped six-fold, well inside the producer's 1 MB default limit. */
  public static final int MAX_RAW_CHARS = 64 * 1024;

  private DeadLetters() {}

  public static String value(String reasonCode, String detail, String source, String raw) {
    if (raw == null || raw.length() <= MAX_RAW_CHARS) {
      return DeadLetter.toJson(reasonCode, detail, source, raw);
    }
    int cut = MAX_RAW_CHARS;
    if (Character.isHighSurrogate(raw.charAt(cut - 1))) {
      cut--; // never split a surrogate pair into invalid text
    }
    String json = DeadLetter.toJson(reasonCode, detail + " (raw payload truncated to its first " + cut + " of "
        + raw.length() + " characters)", source, raw.substring(0, cut));
    return json.substring(0, json.length() - 1) + ",\"raw_truncated\":true,\"raw_length\":" + raw.length() + "}";
  }

  /** The most bytes of a binary frame kept: their base64 is exactly {@link #MAX_RAW_CHARS} characters. */
  public static final int MAX_BINARY_BYTES = MAX_RAW_CHARS / 4 * 3;

  /**
   * The dead-letter value for a binary frame: {@code raw} is the base64 of its bytes (the first
   * {@link #MAX_BINARY_BYTES} of them, marked truncated, if it is longer), with
   * {@code "raw_encoding":"base64"}.
   */
  public static String binary(String reasonCode, String detail, String source, ByteBuffer bytes) {
    int length = bytes.remaining();
    boolean truncated = length > MAX_BINARY_BYTES;
    byte[] kept = new byte[Math.min(length, MAX_BINARY_BYTES)];
    bytes.duplicate().get(kept);
    String json = DeadLetter.toJson(reasonCode, detail + "; raw is the base64 of "
        + (truncated ? "its first " + kept.length + " of " + length + " bytes" : "its " + length + " bytes"),
        source, Base64.getEncoder().encodeToString(kept));
    return json.substring(0, json.length() - 1) + ",\"raw_encoding\":\"base64\""
        + (truncated ? ",\"raw_truncated\":true,\"raw_length\":" + length : "") + "}";
  }
}
