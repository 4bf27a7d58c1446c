package io.candles.simulator;

/** When one pair's ticks are due: a non-decreasing sequence of times since its schedule began. */
interface Arrivals {

  /** The time of the next tick, in nanoseconds since the schedule began. */
  long next();

  /** Exactly {@code perMinute} ticks a minute, evenly spaced: for tests that count, and for replays. */
  static Arrivals steady(double perMinute) {
    double gap = 60e9 / perMinute;
    return new Arrivals() {
      private long n;

      @Override
      public long next() {
        // From the count, not by summing gaps, so that rounding never drifts the rate.
        return (long) (n++ * gap);
      }
    };
  }
}
