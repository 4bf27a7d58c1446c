package io.candles.contract;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one parser of the project's duration options: {@code 100ms}, {@code 2s}, {@code 5m},
 * {@code 1h}, {@code 1d} or ISO-8601 ({@code PT5M}, {@code P1D}).
 */
public final class Durations {
  private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h|d)");
  private static final Pattern WEEKS = Pattern.compile("P(-?\\d+)W");

  private Durations() {}

  /**
   * @param option the option's name, for the error message
   * @throws IllegalArgumentException naming the option, the value and the accepted forms
   */
  public static Duration parse(String option, String value) {
    String v = value == null ? "" : value.trim();
    Matcher m = SHORT.matcher(v);
    try {
      Duration d = null;
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        d = switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
      } else if (v.startsWith("P") || v.startsWith("p")) {
        d = isoPeriod(v.toUpperCase(Locale.ROOT));
      }
      if (d != null) {
        // Every user takes it in milliseconds: one that does not fit is no duration either.
        d.toMillis();
        return d;
      }
    } catch (RuntimeException e) {
      // Falls through to the error below.
    }
    throw new IllegalArgumentException("--" + option + "=" + value
        + " is not a duration: write it like 100ms, 2s, 5m, 1h or PT5M");
  }

  /** An ISO-8601 duration of days and time (PT5M, P1DT2H), or of weeks (P1W), each day 24 hours. */
  private static Duration isoPeriod(String v) {
    Matcher weeks = WEEKS.matcher(v);
    return weeks.matches() ? Duration.ofDays(7 * Long.parseLong(weeks.group(1))) : Duration.parse(v);
  }
}
