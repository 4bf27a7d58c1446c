package io.candles.pipeline;

import io.candles.contract.Tick;

/** Candles for tests that care about the mid only: a zero spread, no ingest time, no gaps. */
final class TestCandles {

  private TestCandles() {}

  /** Mid prices in 10^-9 units, each a multiple of 10 (the bid and ask are the mid, in 10^-8 units). */
  static Candle ofMids(String pair, long openTime, long closeTime, long open, long high, long low, long close,
      long count, long lastEventTime, boolean isFinal) {
    Bar quotes = new Bar(open / 10, high / 10, low / 10, close / 10);
    return new Candle(pair, openTime, closeTime, new Ohlc(new Bar(open, high, low, close), quotes, quotes,
        0, 0, 0, count, lastEventTime, Tick.NO_TIME, 0, 0), isFinal);
  }
}
