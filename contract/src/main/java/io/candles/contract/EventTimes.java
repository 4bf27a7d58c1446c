package io.candles.contract;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Parses the contract's time formats into epoch milliseconds UTC, without allocating on the
 * common path: {@code 2021-10-14T18:54:00.123Z}, the seed's {@code 2021-10-14 18:54:00.123}
 * (UTC), either without {@code Z} or fraction; other ISO-8601 offsets ({@code +02:00}) through
 * {@link OffsetDateTime}. Digits below the millisecond are truncated.
 */
public final class EventTimes {
  /** Latest accepted time: 9999-12-31T23:59:59.999Z. */
  private static final long MAX_MILLIS = 253_402_300_799_999L;

  private EventTimes() {}

  /** Parses an ISO-8601 (or seed-form) time in {@code s[start, end)}. */
  public static long parseIso(String field, CharSequence s, int start, int end)
      throws RejectedTickException {
    long fast = parseUtcFast(s, start, end);
    if (fast != Long.MIN_VALUE) {
      return fast;
    }
    String text = s.subSequence(start, end).toString();
    try {
      return OffsetDateTime.parse(text.replace(' ', 'T')).toInstant().toEpochMilli();
    } catch (DateTimeParseException | ArithmeticException e) {
      throw unparseable(field, text);
    }
  }

  /** Checks epoch milliseconds sent as a JSON number. */
  public static long checkEpochMillis(String field, long millis) throws RejectedTickException {
    if (millis < 0 || millis > MAX_MILLIS) {
      throw new RejectedTickException(
          RejectReason.UNPARSEABLE_TIME, field + " is out of range as epoch milliseconds: " + millis);
    }
    return millis;
  }

  /** Formats epoch milliseconds as {@code 2021-10-14T18:54:00.123Z}. */
  public static String format(long millis) {
    return Instant.ofEpochMilli(millis).toString();
  }

  static RejectedTickException unparseable(String field, CharSequence text) {
    return new RejectedTickException(
        RejectReason.UNPARSEABLE_TIME,
        field + " is not an ISO-8601 UTC time or epoch milliseconds: " + text);
  }

  /**
   * {@code yyyy-MM-dd[T| ]HH:mm:ss[.f{1,9}][Z]}, or {@link Long#MIN_VALUE} if {@code s} is not in
   * that form (the caller then tries the general parser).
   */
  private static long parseUtcFast(CharSequence s, int start, int end) {
    int n = end - start;
    if (n < 19) {
      return Long.MIN_VALUE;
    }
    int year = digits(s, start, 4);
    int month = digits(s, start + 5, 2);
    int day = digits(s, start + 8, 2);
    int hour = digits(s, start + 11, 2);
    int minute = digits(s, start + 14, 2);
    int second = digits(s, start + 17, 2);
    char sep = s.charAt(start + 10);
    if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23
        || minute < 0 || minute > 59 || second < 0 || second > 59
        || s.charAt(start + 4) != '-' || s.charAt(start + 7) != '-'
        || (sep != 'T' && sep != ' ') || s.charAt(start + 13) != ':' || s.charAt(start + 16) != ':'
        || day > daysInMonth(year, month)) {
      return Long.MIN_VALUE;
    }
    int i = start + 19;
    int millis = 0;
    if (i < end && s.charAt(i) == '.') {
      i++;
      int fractionDigits = 0;
      while (i < end && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        if (fractionDigits < 3) {
          millis = millis * 10 + (s.charAt(i) - '0');
        }
        fractionDigits++;
        i++;
      }
      if (fractionDigits == 0 || fractionDigits > 9) {
        return Long.MIN_VALUE;
      }
      for (int k = fractionDigits; k < 3; k++) {
        millis *= 10;
      }
    }
    if (i < end && s.charAt(i) == 'Z') {
      i++;
    }
    if (i != end) {
      return Long.MIN_VALUE;
    }
    long days = daysFromCivil(year, month, day);
    return ((days * 24 + hour) * 60 + minute) * 60_000L + second * 1000L + millis;
  }

  private static int digits(CharSequence s, int at, int count) {
    int v = 0;
    for (int k = 0; k < count; k++) {
      char c = s.charAt(at + k);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static int daysInMonth(int year, int month) {
    switch (month) {
      case 2:
        boolean leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        return leap ? 29 : 28;
      case 4: case 6: case 9: case 11:
        return 30;
      default:
        return 31;
    }
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
  private static long daysFromCivil(int y, int m, int d) {
    y -= m <= 2 ? 1 : 0;
    long era = Math.floorDiv(y, 400);
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146_097 + doe - 719_468;
  }
}
