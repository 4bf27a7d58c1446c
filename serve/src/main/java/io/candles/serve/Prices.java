package io.candles.serve;

import java.math.BigDecimal;

/** Prices as Binance writes them: decimal strings with at least 8 decimals, here never rounded. */
public final class Prices {
  private static final int BINANCE_SCALE = 8;

  private Prices() {}

  /**
   * The exact value with at least 8 decimals ({@code 58000.17000000}), more where the table has
   * more (a mid price can have 9: {@code 2.500000001}); never rounded, never in exponent form.
   */
  public static String format(BigDecimal value) {
    BigDecimal v = value.stripTrailingZeros();
    if (v.scale() < BINANCE_SCALE) {
      v = v.setScale(BINANCE_SCALE);
    }
    return v.toPlainString();
  }
}
