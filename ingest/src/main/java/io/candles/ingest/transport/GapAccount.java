package io.candles.ingest.transport;

/**
 * The gaps of one connection: a gap runs from the last frame before a session was lost to the
 * first frame after a new one opened (or to a stop, unfilled). Guarded by the connection's lock;
 * {@link #isOpen()} alone may be read without it (the frame path's cheap check).
 */
final class GapAccount {
  private volatile boolean open;
  private long startedAt = -1;
  private long count;
  private long millisTotal;
  private long lastMillis = -1;

  boolean isOpen() {
    return open;
  }

  /**
   * A session was lost after a frame at {@code lastFrameAt} (-1: none yet, no gap).
   *
   * @return true if a gap opened now (false: none, or one was open already)
   */
  boolean sessionLost(long lastFrameAt) {
    if (!open && lastFrameAt >= 0) {
      open = true;
      startedAt = lastFrameAt;
      return true;
    }
    return false;
  }

  /** Data flows again at {@code now}: the gap's length, or -1 when none was open. */
  long close(long now) {
    if (!open) {
      return -1;
    }
    open = false;
    long length = now - startedAt;
    startedAt = -1;
    count(length);
    return length;
  }

  /** Stopped at {@code now}: an open gap ends unfilled and still counts; its length, or -1. */
  long closeAtStop(long now) {
    long length = open && startedAt >= 0 ? close(now) : -1;
    reset();
    return length;
  }

  /** No gap open (a fresh start). */
  void reset() {
    open = false;
    startedAt = -1;
  }

  /** How long the open gap has lasted at {@code now}, or -1. */
  long currentMillis(long now) {
    return open && startedAt >= 0 ? now - startedAt : -1;
  }

  long count() {
    return count;
  }

  long millisTotal() {
    return millisTotal;
  }

  long lastMillis() {
    return lastMillis;
  }

  private void count(long length) {
    count++;
    millisTotal += length;
    lastMillis = length;
  }
}
