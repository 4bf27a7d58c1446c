package io.candles.contract;

/**
 * A stretch of time in which the ingester could not see a pair's quotes: its feed was interrupted
 * ({@link GapCause}). Written to the ticks topic in the pair's partition, keyed by the pair, with
 * the record timestamp at {@code startMillis}. A long interruption is written as consecutive
 * pieces while it lasts (each piece starts where the last ended), so the candles of a window mark
 * the gap while the window is still open; readers take the union of the pieces, so a piece
 * written twice or overlapping another counts once.
 *
 * @param pair the pair symbol
 * @param startMillis where the gap (or this piece of it) starts, epoch milliseconds UTC, inclusive
 * @param endMillis where it ends, exclusive; never before {@code startMillis}
 * @param cause why the feed was interrupted
 */
public record Gap(String pair, long startMillis, long endMillis, GapCause cause) implements TickRecord {

  public Gap {
    if (endMillis < startMillis) {
      throw new IllegalArgumentException("a gap cannot end (" + EventTimes.format(endMillis)
          + ") before it starts (" + EventTimes.format(startMillis) + ")");
    }
  }

  /** Its length in milliseconds. */
  public long lengthMillis() {
    return endMillis - startMillis;
  }
}
