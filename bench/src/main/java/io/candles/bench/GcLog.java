package io.candles.bench;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GC pauses from a JDK 17 unified GC log written with {@code -Xlog:gc*:file=...:time,uptime,level,tags},
 * e.g. {@code [2026-12-02T14:29:07.314+0000][8.709s][info][gc          ] GC(10) Pause Remark 43M->43M(64M) 2.630ms}.
 * Only the lines tagged exactly {@code gc} that end a pause count: the JVM writes them when the
 * pause is over, so the {@code time} decoration is its end and the duration gives its start.
 */
final class GcLog {
  private static final Pattern PAUSE = Pattern.compile(
      "^\\[([^\\]]+)\\].*\\]\\[gc\\s*\\] (GC\\(\\d+\\) Pause .+) (\\d+(?:\\.\\d+)?)ms$");
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

  private GcLog() {
  }

  static List<Interval> parse(List<String> lines) {
    List<Interval> pauses = new ArrayList<>();
    for (String line : lines) {
      Matcher m = PAUSE.matcher(line);
      if (!m.matches()) {
        continue;
      }
      long end = OffsetDateTime.parse(m.group(1), TIME).toInstant().toEpochMilli();
      // A pause under a millisecond still holds every thread at that instant.
      long millis = (long) Math.ceil(Double.parseDouble(m.group(3)));
      pauses.add(new Interval(TailSource.GC_PAUSE, end - millis, end, m.group(2)));
    }
    return pauses;
  }
}
