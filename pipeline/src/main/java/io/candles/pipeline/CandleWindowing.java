package io.candles.pipeline;

import java.io.Serializable;
import org.joda.time.Duration;

/**
 * When candles are computed and emitted: sliding windows of {@code size} every {@code period},
 * early panes (one per partial candle when {@code earlyFiringDelay} is zero, otherwise that delay
 * after the first tick of a pane), the on-time pane when the watermark passes the window end, and
 * a late pane per late tick for {@code allowedLateness}. Partial candles are passed on to the
 * windows at the end of each of the runner's bundles and, if {@code partialInterval} is not zero,
 * as soon as the oldest one held is that old ({@link CombineTicksInBundle}).
 */
public record CandleWindowing(
    Duration size, Duration period, Duration earlyFiringDelay, Duration allowedLateness,
    Duration partialInterval)
    implements Serializable {

  /** Partials passed on only at the end of each bundle. */
  public CandleWindowing(Duration size, Duration period, Duration earlyFiringDelay, Duration allowedLateness) {
    this(size, period, earlyFiringDelay, allowedLateness, Duration.ZERO);
  }

  /** Five-minute candles every minute, early panes after 100 ms, one minute of lateness. */
  public static final CandleWindowing DEFAULT = new CandleWindowing(
      Duration.standardMinutes(5), Duration.standardMinutes(1), Duration.millis(100),
      Duration.standardMinutes(1));

  public CandleWindowing {
    if (size.getMillis() <= 0 || period.getMillis() <= 0) {
      throw new IllegalArgumentException("window size and period must be positive");
    }
    if (size.getMillis() % period.getMillis() != 0) {
      throw new IllegalArgumentException(
          "window size " + size + " must be a whole multiple of the period " + period);
    }
    if (earlyFiringDelay.getMillis() < 0 || allowedLateness.getMillis() < 0 || partialInterval.getMillis() < 0) {
      throw new IllegalArgumentException(
          "early firing delay, allowed lateness and partial candle interval must not be negative");
    }
  }
}
