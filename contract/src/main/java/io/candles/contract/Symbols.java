package io.candles.contract;

import java.nio.charset.StandardCharsets;

/**
 * One shared {@code String} for each short ASCII token that every tick repeats (its pair, its
 * exchange), so reading a tick does not allocate them anew, and their hash codes, which the
 * pipeline's per-pair maps need for every tick, are computed once.
 *
 * <p>A fixed table indexed by the token's hash, without locks: a slot holds the last token that
 * hashed to it. Two tokens sharing a slot only cost their allocation again, never a wrong string.
 * Sharing the table between threads is safe because a {@code String} is immutable and safely
 * published through its final fields, even when read without synchronization.
 */
public final class Symbols {
  private static final int SLOTS = 1024;
  private static final int MAX_LENGTH = 32;
  private static final String[] TABLE = new String[SLOTS];

  private Symbols() {}

  /** The UTF-8 text {@code b[start, end)}, shared when it is short and ASCII. */
  public static String of(byte[] b, int start, int end) {
    int length = end - start;
    if (length > MAX_LENGTH) {
      return new String(b, start, length, StandardCharsets.UTF_8);
    }
    int hash = 0;
    for (int i = start; i < end; i++) {
      byte c = b[i];
      if (c < 0) {
        return new String(b, start, length, StandardCharsets.UTF_8);
      }
      hash = 31 * hash + c;
    }
    // hash is String.hashCode() of the text, so a hit is checked without rehashing.
    int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
    String cached = TABLE[slot];
    if (cached != null && cached.hashCode() == hash && matches(cached, b, start, length)) {
      return cached;
    }
    String s = new String(b, start, length, StandardCharsets.US_ASCII);
    TABLE[slot] = s;
    return s;
  }

  private static boolean matches(String s, byte[] b, int start, int length) {
    if (s.length() != length) {
      return false;
    }
    for (int k = 0; k < length; k++) {
      if (s.charAt(k) != b[start + k]) {
        return false;
      }
    }
    return true;
  }
}
