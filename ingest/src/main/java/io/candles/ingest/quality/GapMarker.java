package io.candles.ingest.quality;

import io.candles.contract.Gap;
import io.candles.contract.GapCause;
import java.util.ArrayList;
import java.util.List;

/**
 * The gap records of one connection's pairs: while the feed is interrupted, the gap is written as
 * consecutive pieces, one per pair every {@link #PIECE_INTERVAL_MILLIS}, each starting where the
 * last one ended; when data flows again (or the ingester closes) the last piece runs to that moment.
 * Writing pieces while the gap lasts lets the pipeline mark a window that is still open, and keeps
 * every piece younger than about the interval when it is written, so none of them arrives late.
 *
 * <p>It only decides which {@link Gap}s are due; the caller writes them, in the same order as the
 * pair's ticks. Times are wall-clock epoch milliseconds (the ticks' receive times). Thread-safe: its
 * own monitor, held only for the arithmetic, never while anything is written.
 */
public final class GapMarker {
  /** How often a piece of an open gap is written, in milliseconds: {@value}. */
  public static final long PIECE_INTERVAL_MILLIS = 1_000;
  /** Where a long stretch is cut: at UTC minute boundaries, the shortest window period. */
  static final long MINUTE_MILLIS = 60_000;
  /** How far back a long stretch is cut per minute; anything older is one piece: an hour. */
  static final long CUT_SPAN_MILLIS = 3_600_000;

  private final List<String> pairs;
  private final long intervalMillis;
  private volatile boolean open;
  private GapCause cause;
  /** Where the next piece starts: the gap's start, then the end of the last piece written. */
  private long pieceStart;

  /**
   * @param pairs the pairs of the connection, each marked alike
   * @param intervalMillis how often an open gap gets a piece (see {@link #PIECE_INTERVAL_MILLIS})
   */
  public GapMarker(List<String> pairs, long intervalMillis) {
    if (intervalMillis < 1) {
      throw new IllegalArgumentException("the gap piece interval must be positive: " + intervalMillis + " ms");
    }
    this.pairs = List.copyOf(pairs);
    this.intervalMillis = intervalMillis;
  }

  /** Whether a gap is open (cheap: the frame path's check). */
  public boolean isOpen() {
    return open;
  }

  /** The open gap's cause, or null. */
  public synchronized GapCause cause() {
    return open ? cause : null;
  }

  /**
   * A gap opens at {@code startMillis}; while one is open already, it goes on with its first cause.
   *
   * @return true if it opened now
   */
  public synchronized boolean open(GapCause why, long startMillis) {
    if (open) {
      return false;
    }
    open = true;
    cause = why;
    pieceStart = startMillis;
    return true;
  }

  /** The pieces due at {@code nowMillis}: one per pair once the last one is an interval old, else none. */
  public synchronized List<Gap> due(long nowMillis) {
    if (!open || nowMillis - pieceStart < intervalMillis) {
      return List.of();
    }
    return pieces(nowMillis);
  }

  /** Data flows again at {@code nowMillis}: the last pieces, up to then (none if nothing is left to mark). */
  public synchronized List<Gap> close(long nowMillis) {
    if (!open) {
      return List.of();
    }
    List<Gap> last = pieces(nowMillis);
    open = false;
    cause = null;
    return last;
  }

  /**
   * From {@code atMillis} on the interruption has another cause (e.g. the flow was stopped while
   * reconnecting): the open gap, if any, ends there and one of cause {@code why} starts where it
   * ended, so the two are contiguous.
   *
   * @return the last pieces of the gap that ended
   */
  public synchronized List<Gap> switchTo(GapCause why, long atMillis) {
    List<Gap> last = List.of();
    long start = atMillis;
    if (open) {
      last = close(atMillis);
      start = Math.max(atMillis, pieceStart);
    }
    open(why, start);
    return last;
  }

  /**
   * The pieces of [pieceStart, now) per pair, in time order; none when the clock has not moved past
   * pieceStart. Normally one piece. A stretch longer than {@link #MINUTE_MILLIS} (a gap that began
   * before this process, see {@link GapCause#RESTART}) is cut at the minute boundaries of its last
   * {@link #CUT_SPAN_MILLIS}: the pipeline judges a gap record late by its start, so the minutes
   * whose windows are still open are marked even when the start of the gap is too old to be.
   */
  private List<Gap> pieces(long nowMillis) {
    if (nowMillis <= pieceStart) {
      return List.of();
    }
    List<Long> bounds = new ArrayList<>();
    bounds.add(pieceStart);
    if (nowMillis - pieceStart > MINUTE_MILLIS) {
      long from = Math.max(pieceStart, nowMillis - CUT_SPAN_MILLIS);
      for (long b = Math.floorDiv(from, MINUTE_MILLIS) * MINUTE_MILLIS + MINUTE_MILLIS; b < nowMillis;
          b += MINUTE_MILLIS) {
        if (b > pieceStart) {
          bounds.add(b);
        }
      }
    }
    bounds.add(nowMillis);
    List<Gap> out = new ArrayList<>(pairs.size() * (bounds.size() - 1));
    for (int i = 1; i < bounds.size(); i++) {
      for (String pair : pairs) {
        out.add(new Gap(pair, bounds.get(i - 1), bounds.get(i), cause));
      }
    }
    pieceStart = nowMillis;
    return out;
  }
}
