package io.candles.ingest.transport;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Reconnect delays: exponential growth, capped, with "full jitter" (a uniform pick between zero
 * and the exponential ceiling), so that many clients dropped at once by an exchange do not all
 * come back in the same instant. Not thread-safe: one per connection, used on the scheduler.
 */
public final class Backoff {
  /** Picks a whole number in {@code [0, ceiling]}; injectable so tests are deterministic. */
  @FunctionalInterface
  public interface Jitter {
    long pick(long ceilingInclusive);

    /** Uniformly random. */
    static Jitter random() {
      return ceiling -> ThreadLocalRandom.current().nextLong(ceiling + 1);
    }
  }

  private final long baseMillis;
  private final long capMillis;
  private final Jitter jitter;
  private int attempt;

  public Backoff(Duration base, Duration cap, Jitter jitter) {
    if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
      throw new IllegalArgumentException("need 0 < base <= cap, got base " + base + ", cap " + cap);
    }
    this.baseMillis = base.toMillis();
    this.capMillis = cap.toMillis();
    this.jitter = jitter;
  }

  /** The ceiling of the delay for attempt {@code n} (0-based): {@code min(cap, base * 2^n)}. */
  public long ceilingMillis(int n) {
    // Past 2^30 the product is far beyond any sensible cap; avoid overflow.
    if (n >= 30 || baseMillis << n > capMillis || (baseMillis << n) >>> n != baseMillis) {
      return capMillis;
    }
    return baseMillis << n;
  }

  /** The delay before the next attempt, and counts the attempt. */
  public long nextDelayMillis() {
    long ceiling = ceilingMillis(attempt);
    if (attempt < Integer.MAX_VALUE) {
      attempt++;
    }
    long d = jitter.pick(ceiling);
    return Math.max(0, Math.min(ceiling, d));
  }

  /** Attempts since the last reset. */
  public int attempts() {
    return attempt;
  }

  /** Starts again from the base delay, after a connection has proved stable. */
  public void reset() {
    attempt = 0;
  }
}
