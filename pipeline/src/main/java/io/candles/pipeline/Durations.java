package io.candles.pipeline;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.joda.time.Duration;
import org.joda.time.Period;

/** Parses the duration options: {@code 100ms}, {@code 2s}, {@code 5m}, {@code 1h}, {@code PT5M}. */
public final class Durations {
  private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private Durations() {}

  /**
   * @param option the option's name, for the error message
   * @throws IllegalArgumentException naming the option, the value and the accepted forms
   */
  public static Duration parse(String option, String value) {
    String v = value == null ? "" : value.trim();
    Matcher m = SHORT.matcher(v);
    try {
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        switch (m.group(2)) {
          case "ms": return Duration.millis(n);
          case "s": return Duration.standardSeconds(n);
          case "m": return Duration.standardMinutes(n);
          case "h": return Duration.standardHours(n);
          default: return Duration.standardDays(n);
        }
      }
      if (v.startsWith("P") || v.startsWith("p")) {
        return Period.parse(v.toUpperCase()).toStandardDuration();
      }
    } catch (RuntimeException e) {
      // Falls through to the error below.
    }
    throw new IllegalArgumentException("--" + option + "=" + value
        + " is not a duration: write it like 100ms, 2s, 5m, 1h or PT5M");
  }
}
