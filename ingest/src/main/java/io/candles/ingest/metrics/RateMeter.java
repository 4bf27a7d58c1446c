package io.candles.ingest.metrics;

/**
 * Events per second over a sliding window, from periodic samples of a running count. Sampling is
 * done by one scheduler thread; reads may come from any thread (they see the last sample).
 */
public final class RateMeter {
  private final long[] counts;
  private final long[] times;
  private int newest = -1;
  private int filled;
  private volatile double perSecond;

  /** @param window samples kept, e.g. 10 one-second samples for a ten-second rate */
  public RateMeter(int window) {
    this.counts = new long[window + 1];
    this.times = new long[window + 1];
  }

  /** Records the running {@code count} at monotonic time {@code nowMillis}. */
  public synchronized void sample(long count, long nowMillis) {
    newest = (newest + 1) % counts.length;
    counts[newest] = count;
    times[newest] = nowMillis;
    if (filled < counts.length) {
      filled++;
    }
    int oldest = filled < counts.length ? 0 : (newest + 1) % counts.length;
    long dt = times[newest] - times[oldest];
    perSecond = dt <= 0 ? 0 : (counts[newest] - counts[oldest]) * 1000.0 / dt;
  }

  /** The rate over the window, as of the last sample. */
  public double perSecond() {
    return perSecond;
  }
}
