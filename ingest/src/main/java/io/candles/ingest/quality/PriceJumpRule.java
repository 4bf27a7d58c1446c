package io.candles.ingest.quality;

import java.math.BigDecimal;

/**
 * Flags a mid price that moved more than a fraction from the pair's previous tick; a sign of a bad
 * print or a feed glitch rather than of the market, so by default it is counted and logged while
 * the tick still flows, and dropped (to the dead-letter topic) only when configured.
 *
 * <p>The comparison is exact: {@code |mid - last| / last > fraction} is evaluated as
 * {@code |mid - last| * 10^9 > fractionNanos * last} in 128-bit integer arithmetic, without a
 * {@code double} anywhere near a price.
 *
 * @param fractionNanos the fraction in 10^-9 units (0.1 is 100,000,000); 0 turns the check off
 * @param drop true to reject such ticks instead of flagging them
 */
public record PriceJumpRule(long fractionNanos, boolean drop) {
  private static final long NANOS = 1_000_000_000L;

  /** Off. */
  public static PriceJumpRule off() {
    return new PriceJumpRule(0, false);
  }

  /**
   * @param fraction e.g. {@code 0.1} for 10%; at most 9 decimal places; 0 turns the check off
   */
  public static PriceJumpRule of(BigDecimal fraction, boolean drop) {
    if (fraction.signum() < 0) {
      throw new IllegalArgumentException("the jump fraction cannot be negative: " + fraction);
    }
    BigDecimal nanos = fraction.movePointRight(9);
    if (nanos.stripTrailingZeros().scale() > 0) {
      throw new IllegalArgumentException("the jump fraction has more than 9 decimal places: " + fraction);
    }
    if (nanos.compareTo(BigDecimal.valueOf(1000L * NANOS)) > 0) {
      throw new IllegalArgumentException("the jump fraction is above 1000: " + fraction);
    }
    return new PriceJumpRule(nanos.longValueExact(), drop);
  }

  public boolean enabled() {
    return fractionNanos > 0;
  }

  /** Whether {@code mid} (10^-9 units) jumped from {@code lastMid}; false when off or without a previous mid. */
  public boolean isJump(long lastMid, long mid) {
    if (fractionNanos <= 0 || lastMid <= 0) {
      return false;
    }
    long diff = Math.abs(mid - lastMid);
    // diff * 10^9 > fractionNanos * lastMid, both products as unsigned 128-bit values.
    long leftHigh = Math.multiplyHigh(diff, NANOS);
    long leftLow = diff * NANOS;
    long rightHigh = Math.multiplyHigh(fractionNanos, lastMid);
    long rightLow = fractionNanos * lastMid;
    if (leftHigh != rightHigh) {
      return leftHigh > rightHigh;
    }
    return Long.compareUnsigned(leftLow, rightLow) > 0;
  }

  /** The fraction as a decimal, for messages. */
  public BigDecimal fraction() {
    return BigDecimal.valueOf(fractionNanos, 9).stripTrailingZeros();
  }
}
