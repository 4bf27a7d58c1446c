package io.candles.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Arrays;
import org.apache.beam.sdk.util.VarInt;

/**
 * How long each spread held, summed per window period ("slice"): what a window's time-weighted
 * mean spread is made of. Immutable; the combine's accumulator works on the raw entries with the
 * static methods, which allocate only when a slice is new.
 *
 * <p>Each tick that says which spread held before it, and since when, adds that spread times the
 * time it held, {@code [since, its event time)}, cut at the slice boundaries so that each piece is
 * summed under the slice it lies in. A window takes the pieces of its own ticks that lie inside it
 * ({@link #mean(long)} from the window start): the time before the window's first tick counts from
 * the window start, and nothing after its last tick counts (what held then is only known at the
 * next tick, which may be in no window still open). Every entry is a plain sum, so the result
 * depends only on the set of ticks, in any order and merge grouping, as the rest of the candle.
 *
 * <p>Entries: four longs each, sorted by slice: the slice's start (epoch millis), the sum of
 * spread (10^-8 units) times milliseconds as an unsigned 128-bit number (high, low: a spread of up
 * to the largest price held for a window would overflow a long), and the milliseconds.
 */
public final class SpreadTime {
  /** No spread known to have held. */
  public static final SpreadTime NONE = new SpreadTime(new long[0]);

  /** Decimal places of {@link #mean(long)}, as {@link Ohlc#SPREAD_MEAN_SCALE}. */
  public static final int MEAN_SCALE = Ohlc.SPREAD_MEAN_SCALE;

  private static final int WIDTH = 4;

  private final long[] entries;

  private SpreadTime(long[] entries) {
    this.entries = entries;
  }

  /** A copy of the raw entries (null for none), as {@link #add} and {@link #merge} keep them. */
  static SpreadTime of(long[] entries) {
    return entries == null || entries.length == 0 ? NONE : new SpreadTime(entries.clone());
  }

  /**
   * Adds {@code spread} held over {@code [from, to)}, cut at the slices of {@code sliceMillis}, to
   * {@code entries} (null for none); returns the entries, a new array only when a slice is new.
   */
  static long[] add(long[] entries, long sliceMillis, long spread, long from, long to) {
    long start = from;
    while (start < to) {
      long sliceStart = Math.floorDiv(start, sliceMillis) * sliceMillis;
      long end = Math.min(sliceStart + sliceMillis, to);
      long millis = end - start;
      entries = addToSlice(entries, sliceStart, Math.multiplyHigh(spread, millis), spread * millis, millis);
      start = end;
    }
    return entries;
  }

  /** Adds {@code other}'s entries to {@code entries} (null for none); returns the entries. */
  static long[] merge(long[] entries, long[] other) {
    if (other == null) {
      return entries;
    }
    for (int i = 0; i < other.length; i += WIDTH) {
      entries = addToSlice(entries, other[i], other[i + 1], other[i + 2], other[i + 3]);
    }
    return entries;
  }

  private static long[] addToSlice(long[] entries, long sliceStart, long high, long low, long millis) {
    int i = 0;
    if (entries != null) {
      // From the end: a tick is nearly always in the newest slice.
      for (i = entries.length - WIDTH; i >= 0 && entries[i] > sliceStart; i -= WIDTH) {
        // scanning
      }
      if (i >= 0 && entries[i] == sliceStart) {
        long sumLow = entries[i + 2] + low;
        entries[i + 1] += high + (Long.compareUnsigned(sumLow, low) < 0 ? 1 : 0);
        entries[i + 2] = sumLow;
        entries[i + 3] += millis;
        return entries;
      }
      i += WIDTH;
    }
    int length = entries == null ? 0 : entries.length;
    long[] grown = new long[length + WIDTH];
    if (entries != null) {
      System.arraycopy(entries, 0, grown, 0, i);
      System.arraycopy(entries, i, grown, i + WIDTH, length - i);
    }
    grown[i] = sliceStart;
    grown[i + 1] = high;
    grown[i + 2] = low;
    grown[i + 3] = millis;
    return grown;
  }

  /**
   * The mean spread, weighted by how long each held, over the pieces at or after {@code fromMillis}
   * (a window's start), in price units rounded half-even to {@link #MEAN_SCALE} places; null when
   * no time is known there (a window whose ticks say nothing of the spread before them).
   */
  public BigDecimal mean(long fromMillis) {
    BigInteger sum = BigInteger.ZERO;
    long millis = 0;
    for (int i = 0; i < entries.length; i += WIDTH) {
      if (entries[i] >= fromMillis) {
        sum = sum.add(unsigned128(entries[i + 1], entries[i + 2]));
        millis += entries[i + 3];
      }
    }
    if (millis == 0) {
      return null;
    }
    BigDecimal mean = new BigDecimal(sum, 8)
        .divide(BigDecimal.valueOf(millis), MEAN_SCALE, RoundingMode.HALF_EVEN)
        .stripTrailingZeros();
    return mean.scale() < 0 ? mean.setScale(0) : mean;
  }

  private static BigInteger unsigned128(long high, long low) {
    return BigInteger.valueOf(high).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(low)));
  }

  /** Writes raw entries (null for none): their number, then each as variable-length integers. */
  static void encode(long[] entries, OutputStream out) throws IOException {
    int n = entries == null ? 0 : entries.length / WIDTH;
    VarInt.encode(n, out);
    for (int i = 0; i < n * WIDTH; i++) {
      VarInt.encode(entries[i], out);
    }
  }

  /** Reads what {@link #encode} wrote; null for none. */
  static long[] decode(InputStream in) throws IOException {
    int n = VarInt.decodeInt(in);
    if (n == 0) {
      return null;
    }
    long[] entries = new long[n * WIDTH];
    for (int i = 0; i < entries.length; i++) {
      entries[i] = VarInt.decodeLong(in);
    }
    return entries;
  }

  /** This value's entries, for its coder. */
  long[] entries() {
    return entries.length == 0 ? null : entries;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SpreadTime other && Arrays.equals(entries, other.entries);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(entries);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("SpreadTime{");
    for (int i = 0; i < entries.length; i += WIDTH) {
      sb.append(i == 0 ? "" : ", ").append(entries[i]).append(": ")
          .append(unsigned128(entries[i + 1], entries[i + 2])).append(" over ").append(entries[i + 3]).append(" ms");
    }
    return sb.append('}').toString();
  }
}
