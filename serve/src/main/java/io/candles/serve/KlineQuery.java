package io.candles.serve;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The parameters of {@code GET /api/v3/klines}, checked the way Binance checks them, each bad one
 * with Binance's code.
 *
 * @param step 300,000 ms for candles aligned to 5-minute boundaries (Binance's 5m), 60,000 for the
 *     rolling candles (every window the table has, one a minute)
 * @param startTime inclusive lower bound of the open time, or null
 * @param endTime inclusive upper bound of the open time, or null
 * @param extended whether each kline carries the table's extra columns (a 13th element)
 */
public record KlineQuery(String symbol, long step, Long startTime, Long endTime, int limit, boolean extended) {

  /** Binance's default and maximum. */
  public static final int DEFAULT_LIMIT = 500;
  public static final int MAX_LIMIT = 1000;

  private static final Pattern SYMBOL = Pattern.compile("^[A-Z0-9-_.]{1,20}$");
  private static final Pattern DIGITS = Pattern.compile("^[0-9]{1,20}$");
  /** Binance's kline intervals: all valid there; only 5m exists here. */
  private static final Set<String> BINANCE_INTERVALS = Set.of("1s", "1m", "3m", "5m", "15m", "30m", "1h", "2h",
      "4h", "6h", "8h", "12h", "1d", "3d", "1w", "1M");
  private static final Set<String> PARAMETERS = Set.of("symbol", "interval", "startTime", "endTime", "limit",
      "timeZone", "step", "extended", "token");
  private static final String TAKES = "symbol, interval, startTime, endTime, limit, timeZone, and here step and extended";

  /** Checks the query's parameters (name to every value sent). */
  public static KlineQuery parse(Map<String, List<String>> params) throws ApiError {
    for (Map.Entry<String, List<String>> p : params.entrySet()) {
      if (!PARAMETERS.contains(p.getKey())) {
        throw ApiError.unread(p.getKey(), TAKES);
      }
      if (p.getValue().size() > 1) {
        throw ApiError.duplicate(p.getKey());
      }
    }
    String symbol = required(params, "symbol");
    if (!SYMBOL.matcher(symbol).matches()) {
      throw ApiError.illegalChars("symbol", SYMBOL.pattern());
    }
    String interval = required(params, "interval");
    if (!interval.equals(CandleTable.INTERVAL)) {
      if (!BINANCE_INTERVALS.contains(interval)) {
        throw new ApiError(400, -1120, "Invalid interval.");
      }
      throw ApiError.badInterval(interval);
    }
    long step = CandleTable.WINDOW_MILLIS;
    String stepText = optional(params, "step");
    if (stepText != null) {
      if (stepText.equals("1m")) {
        step = 60_000L;
      } else if (!stepText.equals("5m")) {
        throw ApiError.invalid("step", "1m for the rolling candles, one every minute; 5m (the default) for "
            + "those aligned to 5-minute boundaries; got '" + stepText + "'");
      }
    }
    Long start = time(params, "startTime");
    Long end = time(params, "endTime");
    if (start != null && end != null && start > end) {
      throw ApiError.badCombination("startTime " + start + " is after endTime " + end);
    }
    int limit = DEFAULT_LIMIT;
    String limitText = optional(params, "limit");
    if (limitText != null) {
      if (!DIGITS.matcher(limitText).matches()) {
        throw ApiError.illegalChars("limit", DIGITS.pattern());
      }
      long l = Long.parseLong(limitText.length() > 10 ? "99999999999" : limitText);
      if (l < 1 || l > MAX_LIMIT) {
        throw ApiError.invalid("limit", "1 to " + MAX_LIMIT + ", got " + limitText);
      }
      limit = (int) l;
    }
    String timeZone = optional(params, "timeZone");
    if (timeZone != null && !timeZone.equals("0") && !timeZone.equals("0:00") && !timeZone.equals("+0")
        && !timeZone.equals("00:00") && !timeZone.equals("+00:00")) {
      throw ApiError.invalid("timeZone", "this server's candles are in UTC only (timeZone=0); got '" + timeZone + "'");
    }
    String ext = optional(params, "extended");
    if (ext != null && !ext.equals("true") && !ext.equals("false")) {
      throw ApiError.invalid("extended", "true or false, got '" + ext + "'");
    }
    return new KlineQuery(symbol, step, start, end, limit, "true".equals(ext));
  }

  private static String required(Map<String, List<String>> params, String name) throws ApiError {
    String v = optional(params, name);
    if (v == null) {
      throw ApiError.mandatory(name);
    }
    return v;
  }

  private static String optional(Map<String, List<String>> params, String name) throws ApiError {
    List<String> v = params.get(name);
    if (v == null) {
      return null;
    }
    if (v.get(0).isEmpty()) {
      if (name.equals("symbol") || name.equals("interval")) {
        throw ApiError.mandatory(name);
      }
      throw new ApiError(400, -1105, "Parameter '" + name + "' was empty.");
    }
    return v.get(0);
  }

  private static Long time(Map<String, List<String>> params, String name) throws ApiError {
    String v = optional(params, name);
    if (v == null) {
      return null;
    }
    if (!DIGITS.matcher(v).matches()) {
      throw ApiError.illegalChars(name, DIGITS.pattern());
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new ApiError(400, -1108, "Parameter '" + name + "' overflowed.");
    }
  }
}
