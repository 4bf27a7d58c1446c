package io.candles.ingest.transport;

/**
 * When the next make-before-break replacement is due: {@code rolloverAfter} after a session became
 * current, ahead of the exchange's 24-hour forced disconnect; a minute after a replacement failed.
 * Guarded by the connection's lock.
 */
final class RolloverClock {
  private static final long RETRY_AFTER_FAILURE_MS = 60_000;

  private final long rolloverAfterMillis;
  private long nextAt = Long.MAX_VALUE;

  RolloverClock(TransportSettings settings) {
    this.rolloverAfterMillis = settings.rolloverAfter().toMillis();
  }

  /** A session became current at {@code now}. */
  void sessionCurrent(long now) {
    nextAt = now + rolloverAfterMillis;
  }

  /** The replacement failed at {@code now}: try again later. */
  void replacementFailed(long now) {
    nextAt = now + RETRY_AFTER_FAILURE_MS;
  }

  boolean due(long now) {
    return now >= nextAt;
  }

  /** A replacement is on its way: none more until it is current. */
  void replacementStarted() {
    nextAt = Long.MAX_VALUE;
  }
}
