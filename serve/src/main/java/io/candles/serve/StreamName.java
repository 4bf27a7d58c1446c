package io.candles.serve;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A kline stream's name, Binance's way: {@code <pair>@kline_5m} for the candles aligned to
 * 5-minute boundaries (Binance's 5m klines), and the extension {@code <pair>@kline_5m@step1m} for
 * the rolling ones, a 5-minute candle starting every minute. The pair is in lower case, as Binance
 * writes it (upper case is accepted and lowered).
 */
public record StreamName(String pair, boolean rolling) {
  private static final Pattern NAME = Pattern.compile("([A-Za-z0-9]{1,20})@kline_([0-9A-Za-z]{1,4})(@step1m)?");
  static final String EXAMPLES = "<pair>@kline_5m for candles aligned to 5-minute boundaries, <pair>@kline_5m@step1m "
      + "for the rolling ones (one every minute), e.g. btcusdt@kline_5m";

  /** The name as events carry it. */
  public String name() {
    return pair.toLowerCase(Locale.ROOT) + "@kline_" + CandleTable.INTERVAL + (rolling ? "@step1m" : "");
  }

  /** The names a row's changes go to: its rolling stream, and its aligned one when it is aligned. */
  static String aligned(String pair) {
    return pair.toLowerCase(Locale.ROOT) + "@kline_" + CandleTable.INTERVAL;
  }

  static String rolling(String pair) {
    return aligned(pair) + "@step1m";
  }

  /** Parses a name; IllegalArgumentException with what is wrong and what would be right. */
  public static StreamName parse(String text) {
    Matcher m = NAME.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("invalid stream name '" + text + "': streams here are " + EXAMPLES);
    }
    if (!m.group(2).equals(CandleTable.INTERVAL)) {
      throw new IllegalArgumentException("unsupported interval in '" + text + "': this server has 5-minute candles "
          + "only: " + EXAMPLES);
    }
    return new StreamName(m.group(1).toUpperCase(Locale.ROOT), m.group(3) != null);
  }
}
