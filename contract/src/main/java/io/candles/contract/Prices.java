package io.candles.contract;

import java.math.BigDecimal;

/**
 * Exact fixed-point prices, so that no price is ever round-tripped through {@code double}.
 *
 * <p>An exchange price is held as a {@code long} count of 10<sup>-8</sup> units (8 decimal places,
 * the most any Binance market quotes). A mid price {@code (bid + ask) / 2} needs one more place,
 * so it is held as a count of 10<sup>-9</sup> units: {@code mid = (bid + ask) * 5}, which is exact.
 * Prices up to {@link #MAX_PRICE_UNITS} (9,000,000,000) keep every sum and mid inside a long.
 */
public final class Prices {
  /** Decimal places of a parsed exchange price. */
  public static final int PRICE_SCALE = 8;
  /** Decimal places of a mid price. */
  public static final int MID_SCALE = 9;
  /** The largest accepted price, in 10^-8 units: 9,000,000,000.00000000. */
  public static final long MAX_PRICE_UNITS = 900_000_000_000_000_000L;

  private Prices() {}

  /** The exact mid price, in 10^-9 units, of two prices in 10^-8 units. */
  public static long mid(long bidUnits, long askUnits) {
    // Both are at most MAX_PRICE_UNITS, so the sum times five stays below Long.MAX_VALUE.
    return (bidUnits + askUnits) * 5;
  }

  /** A mid price (10^-9 units) as a BigDecimal without trailing zeros, e.g. 58000.15. */
  public static BigDecimal midToDecimal(long midUnits) {
    BigDecimal d = BigDecimal.valueOf(midUnits, MID_SCALE).stripTrailingZeros();
    return d.scale() < 0 ? d.setScale(0) : d;
  }

  /** A price (10^-8 units) as a BigDecimal without trailing zeros. */
  public static BigDecimal priceToDecimal(long priceUnits) {
    BigDecimal d = BigDecimal.valueOf(priceUnits, PRICE_SCALE).stripTrailingZeros();
    return d.scale() < 0 ? d.setScale(0) : d;
  }

  /**
   * Parses a plain decimal ({@code digits[.digits]}) in {@code s[start, end)} into 10^-8 units.
   *
   * @throws RejectedTickException with {@link RejectReason#NON_NUMERIC_PRICE},
   *     {@link RejectReason#NON_POSITIVE_PRICE} or {@link RejectReason#PRICE_OUT_OF_RANGE}
   */
  public static long parsePrice(String field, CharSequence s, int start, int end)
      throws RejectedTickException {
    return parse(field, s, start, end, false);
  }

  /**
   * Parses a spread (ask - bid), which may be zero, like a price: a plain decimal in
   * {@code s[start, end)} into 10^-8 units.
   *
   * @throws RejectedTickException as {@link #parsePrice}, with {@link RejectReason#NON_POSITIVE_PRICE}
   *     for a negative value only
   */
  public static long parseSpread(String field, CharSequence s, int start, int end)
      throws RejectedTickException {
    return parse(field, s, start, end, true);
  }

  private static long parse(String field, CharSequence s, int start, int end, boolean zeroAllowed)
      throws RejectedTickException {
    if (start >= end) {
      throw new RejectedTickException(RejectReason.NON_NUMERIC_PRICE, field + " is empty");
    }
    boolean negative = false;
    int i = start;
    if (s.charAt(i) == '-') {
      negative = true;
      i++;
    }
    long units = 0;
    int intDigits = 0;
    for (; i < end; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        break;
      }
      // Leading zeros do not count towards the magnitude check below.
      if (units != 0 || c != '0') {
        intDigits++;
      }
      if (intDigits > 10) {
        throw outOfRange(field, s, start, end);
      }
      units = units * 10 + (c - '0');
    }
    if (i == start || (negative && i == start + 1)) {
      throw nonNumeric(field, s, start, end);
    }
    units = Math.multiplyExact(units, 100_000_000L);
    if (i < end) {
      if (s.charAt(i) != '.' || i + 1 == end) {
        throw nonNumeric(field, s, start, end);
      }
      i++;
      long place = 10_000_000L;
      for (; i < end; i++) {
        char c = s.charAt(i);
        if (c < '0' || c > '9') {
          throw nonNumeric(field, s, start, end);
        }
        if (place == 0) {
          // A ninth or later decimal place is fine only if it is zero: the value stays exact.
          if (c != '0') {
            throw new RejectedTickException(
                RejectReason.PRICE_OUT_OF_RANGE,
                field + " has more than " + PRICE_SCALE + " decimal places: " + s.subSequence(start, end));
          }
        } else {
          units += (c - '0') * place;
          place /= 10;
        }
      }
    }
    if (negative && units == 0 && zeroAllowed) {
      return 0;
    }
    if (negative || (units == 0 && !zeroAllowed)) {
      throw new RejectedTickException(
          RejectReason.NON_POSITIVE_PRICE, field + " is not positive: " + s.subSequence(start, end));
    }
    if (units > MAX_PRICE_UNITS) {
      throw outOfRange(field, s, start, end);
    }
    return units;
  }

  private static RejectedTickException nonNumeric(String field, CharSequence s, int start, int end) {
    return new RejectedTickException(
        RejectReason.NON_NUMERIC_PRICE,
        field + " is not a plain decimal number: " + s.subSequence(start, end));
  }

  private static RejectedTickException outOfRange(String field, CharSequence s, int start, int end) {
    return new RejectedTickException(
        RejectReason.PRICE_OUT_OF_RANGE,
        field + " is above the largest supported price 9000000000: " + s.subSequence(start, end));
  }
}
