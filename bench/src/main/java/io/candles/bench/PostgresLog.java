package io.candles.bench;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL checkpoints and autovacuum runs from a server log written with log_checkpoints=on,
 * log_autovacuum_min_duration=0 and a log_line_prefix starting with {@code %m} (milliseconds, then
 * the zone), e.g. {@code 2026-12-02 14:39:44.826 UTC [15970] LOG:  checkpoint starting: time}.
 *
 * <ul>
 *   <li>A checkpoint runs from its "checkpoint starting" line to its "checkpoint complete: ...
 *       total=T s" line (if the start is not in the lines, from T before); one still running as the
 *       log ends is taken as running until {@code openUntil}.
 *   <li>An autovacuum run is logged when it is over, "automatic vacuum of table ..." or "automatic
 *       analyze of table ...", with "elapsed: E s" on a continuation line: it ran the E before.
 * </ul>
 */
final class PostgresLog {
  private static final Pattern PREFIX = Pattern.compile(
      "^(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3}) (\\S+) .*?LOG:  (.*)$");
  private static final Pattern COMPLETE = Pattern.compile("^checkpoint complete: .*total=(\\d+\\.\\d+) s");
  private static final Pattern AUTOVACUUM = Pattern.compile(
      "^automatic ((?:aggressive )?vacuum(?: to prevent wraparound)?|analyze) of table \"([^\"]+)\"");
  private static final Pattern ELAPSED = Pattern.compile("elapsed: (\\d+\\.\\d+) s");
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

  private PostgresLog() {
  }

  static List<Interval> parse(List<String> lines, long openUntil) {
    List<Interval> events = new ArrayList<>();
    long checkpointStart = -1;
    long vacuumEnd = -1;
    String vacuum = null;
    for (String line : lines) {
      Matcher m = PREFIX.matcher(line);
      if (!m.matches()) {
        // A continuation line of the message before it (the autovacuum report's lines start with a tab).
        Matcher e = ELAPSED.matcher(line);
        if (vacuum != null && e.find()) {
          long millis = Math.round(Double.parseDouble(e.group(1)) * 1000);
          events.add(new Interval(TailSource.AUTOVACUUM, vacuumEnd - millis, vacuumEnd, vacuum));
          vacuum = null;
        }
        continue;
      }
      if (vacuum != null) {
        // Its report had no elapsed time: at least the instant it was logged.
        events.add(new Interval(TailSource.AUTOVACUUM, vacuumEnd, vacuumEnd, vacuum));
        vacuum = null;
      }
      long at = epochMillis(m.group(1), m.group(2), line);
      String message = m.group(3);
      Matcher complete = COMPLETE.matcher(message);
      Matcher autovacuum = AUTOVACUUM.matcher(message);
      if (message.startsWith("checkpoint starting:")) {
        checkpointStart = at;
      } else if (complete.find()) {
        long start = checkpointStart >= 0 ? checkpointStart
            : at - Math.round(Double.parseDouble(complete.group(1)) * 1000);
        events.add(new Interval(TailSource.PG_CHECKPOINT, start, at, message.split(";", 2)[0]));
        checkpointStart = -1;
      } else if (autovacuum.find()) {
        vacuum = autovacuum.group(1) + " " + autovacuum.group(2);
        vacuumEnd = at;
      }
    }
    if (vacuum != null) {
      events.add(new Interval(TailSource.AUTOVACUUM, vacuumEnd, vacuumEnd, vacuum));
    }
    if (checkpointStart >= 0) {
      events.add(new Interval(TailSource.PG_CHECKPOINT, checkpointStart, Math.max(checkpointStart, openUntil),
          "checkpoint (not completed)"));
    }
    return events;
  }

  private static long epochMillis(String time, String zone, String line) {
    try {
      return LocalDateTime.parse(time, TIME).atZone(ZoneId.of(zone, ZoneId.SHORT_IDS)).toInstant().toEpochMilli();
    } catch (java.time.DateTimeException e) {
      throw new IllegalArgumentException("PostgreSQL log line with a time zone Java does not know ("
          + zone + "); start the server with log_timezone=UTC: " + line, e);
    }
  }
}
