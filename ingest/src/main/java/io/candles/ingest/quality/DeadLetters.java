package io.candles.ingest.quality;

import io.candles.contract.DeadLetter;

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
}
