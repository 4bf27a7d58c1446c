package io.candles.simulator;

import java.util.SplittableRandom;

/**
 * Tick arrivals as on a real book: random (Poisson) gaps, and bursts, when news or a large order
 * moves the market, of a few seconds at several times the calm rate. A two-state
 * Markov-modulated Poisson process: calm for an exponentially distributed time (mean 25 s), then a
 * burst of 2 to 5 s at {@value #BURST_FACTOR} times the calm rate, and so on. The calm rate is
 * chosen so that the long-run mean is the requested one; the same seed gives the same arrivals.
 */
final class BurstyArrivals implements Arrivals {
  static final double BURST_FACTOR = 5;
  private static final double MEAN_CALM_NANOS = 25e9;
  private static final double MIN_BURST_NANOS = 2e9;
  private static final double MAX_BURST_NANOS = 5e9;

  private final SplittableRandom random;
  private final double calmPerNano;
  private boolean burst;
  private double stateLeftNanos;
  private double now;

  /** Arrivals averaging {@code meanPerMinute} a minute over the long run. */
  BurstyArrivals(double meanPerMinute, long seed) {
    if (!(meanPerMinute > 0)) {
      throw new IllegalArgumentException("meanPerMinute must be positive, was " + meanPerMinute);
    }
    double meanBurst = (MIN_BURST_NANOS + MAX_BURST_NANOS) / 2;
    double burstShare = meanBurst / (meanBurst + MEAN_CALM_NANOS);
    // mean = calm * (1 - share) + calm * factor * share
    this.calmPerNano = meanPerMinute / 60e9 / (1 + (BURST_FACTOR - 1) * burstShare);
    this.random = new SplittableRandom(seed);
    this.stateLeftNanos = exponential(MEAN_CALM_NANOS);
  }

  @Override
  public long next() {
    while (true) {
      // Poisson arrivals are memoryless, so a gap that would cross into the next state can be
      // dropped and drawn again there at that state's rate.
      double gap = exponential(1 / (burst ? calmPerNano * BURST_FACTOR : calmPerNano));
      if (gap < stateLeftNanos) {
        stateLeftNanos -= gap;
        now += gap;
        return (long) now;
      }
      now += stateLeftNanos;
      burst = !burst;
      stateLeftNanos = burst
          ? MIN_BURST_NANOS + random.nextDouble() * (MAX_BURST_NANOS - MIN_BURST_NANOS)
          : exponential(MEAN_CALM_NANOS);
    }
  }

  private double exponential(double mean) {
    return -mean * Math.log(1 - random.nextDouble());
  }
}
