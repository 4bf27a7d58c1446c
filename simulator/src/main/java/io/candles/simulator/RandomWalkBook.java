package io.candles.simulator;

import java.util.SplittableRandom;

/**
 * A random-walk best bid/ask for one pair, in exact fixed-point (10^-8 units), never crossed:
 * the bid moves a few price ticks at a time, the spread is always at least one tick, and every
 * price is a multiple of the pair's tick size, written with 8 decimals as Binance does.
 */
public final class RandomWalkBook {
  private static final long UNIT = 100_000_000L;

  private final String pair;
  private final long tickUnits;
  private final SplittableRandom random;
  private long bid;
  private int spreadTicks = 1;
  private long updateId;

  public RandomWalkBook(String pair, long seed) {
    this.pair = pair;
    this.random = new SplittableRandom(seed ^ pair.hashCode() * 0x9E3779B97F4A7C15L);
    switch (pair) {
      case "BTCUSDT":
        tickUnits = UNIT / 100; // 0.01
        bid = 58_000 * UNIT;
        break;
      case "ETHUSDT":
        tickUnits = UNIT / 100;
        bid = 3_500 * UNIT;
        break;
      case "BNBUSDT":
        tickUnits = UNIT / 100;
        bid = 600 * UNIT;
        break;
      default:
        tickUnits = UNIT / 10_000; // 0.0001
        bid = 100 * UNIT;
    }
    // Binance's book update ids are large and increase, not by one; start somewhere realistic.
    updateId = 400_900_217L + random.nextInt(1_000_000);
  }

  public String pair() {
    return pair;
  }

  /** The next update. Not thread-safe: one generator thread per book. */
  public SimQuote next(long nowMillis) {
    int move = random.nextInt(7) - 3; // -3..+3 ticks
    long floor = 10 * tickUnits;
    bid = Math.max(floor, bid + move * tickUnits);
    if (random.nextInt(4) == 0) {
      spreadTicks = 1 + random.nextInt(5);
    }
    long ask = bid + spreadTicks * tickUnits;
    updateId += 1 + random.nextInt(3);
    return new SimQuote(pair, updateId, format(bid), format(quantity()), format(ask), format(quantity()), nowMillis);
  }

  private long quantity() {
    // 0.001 to 50, in steps of 0.00001
    return (100 + random.nextLong(5_000_000)) * 1_000L;
  }

  /** 10^-8 units as a plain decimal with exactly 8 decimals, e.g. {@code 58000.10000000}. */
  public static String format(long units) {
    long whole = units / UNIT;
    long frac = units % UNIT;
    StringBuilder sb = new StringBuilder(24).append(whole).append('.');
    String f = Long.toString(frac);
    for (int i = f.length(); i < 8; i++) {
      sb.append('0');
    }
    return sb.append(f).toString();
  }
}
