package io.candles.local;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.candles.devservices.PostgresServer;
import io.candles.testkit.CandleTable;
import io.candles.testkit.Services;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.junit.Test;

/**
 * The terminal view on a real PostgreSQL: each candle stays one line, with its spread and,
 * for a window with feed gaps, their length and count; a table from before those columns (a data
 * directory kept from an older run) still shows its candles.
 */
public class LiveViewIT {
  private static final long MINUTE = 60_000L;

  @Test
  public void eachCandleLineShowsItsSpreadAndItsFeedGaps() throws Exception {
    PostgresServer pg = Services.postgres();
    CandleTable.create(Services.database(), "candle_stick_five_min");
    List<String> pairs = List.of("LVAUSDT", "LVBUSDT");
    String[] lines = null;
    // The view shows the windows of the current minute: if it turns between write and render, again.
    for (int attempt = 0; attempt < 3 && lines == null; attempt++) {
      long minute = Math.floorDiv(System.currentTimeMillis(), MINUTE) * MINUTE;
      long current = minute - 4 * MINUTE;
      long closed = minute - 5 * MINUTE;
      try (Connection c = connect(pg, pg.jdbcUrl())) {
        write(c, "LVAUSDT", current, false, "0.0133333333333333333333", 12_345, 1);
        write(c, "LVAUSDT", closed, true, "0.0000000433333333333333", 0, 0);
        write(c, "LVBUSDT", current, false, null, 0, 0);
        write(c, "LVBUSDT", closed, true, "0.02", 300_000, 4);
        try (PreparedStatement ps = c.prepareStatement("UPDATE candle_stick_five_min SET spread_twa = 0.0125 "
            + "WHERE currency_pair = 'LVAUSDT' AND open_time = ?")) {
          ps.setObject(1, utc(closed));
          ps.executeUpdate();
        }
      }
      String out = render(pg, pg.jdbcUrl(), pairs);
      if (Math.floorDiv(System.currentTimeMillis(), MINUTE) * MINUTE == minute) {
        lines = out.split("\n");
      }
    }
    assertTrue("rendered within one minute in three attempts", lines != null);
    assertEquals("a title, a header, and one line per candle: " + String.join("\n", lines), 2 + 2 * pairs.size(),
        lines.length);
    assertThat(lines[1], matchesPattern(LocalRun.VIEW_HEADER));
    // RunLocalIT finds the open candles of a whole run by this pattern: with and without gaps and spreads.
    for (int i : new int[] {2, 4}) {
      assertThat(lines[i], matchesPattern(LocalRun.viewOpenCandle(lines[i].substring(0, 7))));
    }
    String aCurrent = lines[2];
    String aClosed = lines[3];
    String bCurrent = lines[4];
    String bClosed = lines[5];
    assertThat(aCurrent, startsWith("LVAUSDT"));
    assertThat(aCurrent, containsString(" 0.0133 "));
    assertThat(aCurrent, containsString(" gap 12.3s x1 "));
    assertThat("the time-weighted spread where the ticks say it", aClosed, containsString(" 0.0125 "));
    assertThat(aClosed, not(containsString(" 0.0000000433 ")));
    assertThat("no gaps, no marker", aClosed, not(containsString("gap")));
    assertThat(bCurrent, startsWith("LVBUSDT"));
    assertEquals("no spread yet", "-", column(bCurrent, 8));
    assertThat(bCurrent, not(containsString("gap")));
    assertThat(bClosed, containsString(" 0.02 "));
    assertThat(bClosed, containsString(" gap 300.0s x4 "));
  }

  @Test
  public void aTableFromBeforeTheQualityColumnsStillShowsItsCandles() throws Exception {
    PostgresServer pg = Services.postgres();
    String url = pg.jdbcUrl().substring(0, pg.jdbcUrl().lastIndexOf('/') + 1) + "liveview_older";
    try (Connection c = connect(pg, pg.jdbcUrl()); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE liveview_older");
    }
    try (Connection c = connect(pg, url); Statement s = c.createStatement()) {
      // The table's columns before issue 16.
      s.execute("CREATE TABLE candle_stick_five_min (id bigserial PRIMARY KEY, currency_pair text NOT NULL, "
          + "open_price numeric NOT NULL, high_price numeric NOT NULL, low_price numeric NOT NULL, "
          + "close_price numeric NOT NULL, open_time timestamp NOT NULL, close_time timestamp NOT NULL, "
          + "tick_count bigint NOT NULL, last_event_time timestamp, is_final boolean NOT NULL DEFAULT false, "
          + "updated_at timestamptz NOT NULL DEFAULT clock_timestamp(), UNIQUE (currency_pair, open_time))");
    }
    String line = null;
    for (int attempt = 0; attempt < 3 && line == null; attempt++) {
      long minute = Math.floorDiv(System.currentTimeMillis(), MINUTE) * MINUTE;
      long current = minute - 4 * MINUTE;
      try (Connection c = connect(pg, url); Statement s = c.createStatement()) {
        s.execute("INSERT INTO candle_stick_five_min (currency_pair, open_price, high_price, low_price, close_price, "
            + "open_time, close_time, tick_count, last_event_time) VALUES ('LVOUSDT', 1.5, 1.75, 1.25, 1.625, '"
            + utc(current) + "', '" + utc(current + 5 * MINUTE) + "', 42, '" + utc(current + 1000) + "') "
            + "ON CONFLICT DO NOTHING");
      }
      String out = render(pg, url, List.of("LVOUSDT"));
      if (Math.floorDiv(System.currentTimeMillis(), MINUTE) * MINUTE == minute) {
        line = Arrays.stream(out.split("\n")).filter(l -> l.startsWith("LVOUSDT")).findFirst().orElseThrow();
      }
    }
    assertTrue("rendered within one minute in three attempts", line != null);
    assertThat(line, containsString(" 1.625 "));
    assertThat(line, containsString(" 42 "));
    assertEquals("no spread", "-", column(line, 8));
    assertThat(line, not(containsString("gap")));
  }

  /** The view's second screen (the first has no ticks per second yet, having nothing to compare). */
  private static String render(PostgresServer pg, String url, List<String> pairs) throws Exception {
    try (LiveView view = new LiveView(url, pg.user(), pg.password(), pairs, false)) {
      view.render(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      Thread.sleep(50);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
        view.render(out);
      }
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }

  /** A row with its quality columns, written with plain SQL (the pipeline's writer of them is elsewhere). */
  private static void write(Connection c, String pair, long open, boolean fin, String spreadMean, long gapMs,
      int gapCount) throws Exception {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO candle_stick_five_min (currency_pair, open_price, "
        + "high_price, low_price, close_price, open_time, close_time, tick_count, last_event_time, is_final, "
        + "spread_mean, gap_ms, gap_count) VALUES (?, 100.5, 101, 100, 100.75, ?, ?, 7, ?, ?, ?::numeric, ?, ?) "
        + "ON CONFLICT (currency_pair, open_time) DO UPDATE SET spread_mean = EXCLUDED.spread_mean, "
        + "gap_ms = EXCLUDED.gap_ms, gap_count = EXCLUDED.gap_count, is_final = EXCLUDED.is_final")) {
      ps.setString(1, pair);
      ps.setObject(2, utc(open));
      ps.setObject(3, utc(open + 5 * MINUTE));
      ps.setObject(4, utc(open + 1000));
      ps.setBoolean(5, fin);
      ps.setString(6, spreadMean);
      ps.setLong(7, gapMs);
      ps.setInt(8, gapCount);
      ps.executeUpdate();
    }
  }

  /** The {@code n}th space-separated field of a line. */
  private static String column(String line, int n) {
    return line.trim().split(" +")[n];
  }

  private static Connection connect(PostgresServer pg, String url) throws Exception {
    return DriverManager.getConnection(url, pg.user(), pg.password());
  }

  private static LocalDateTime utc(long millis) {
    return LocalDateTime.ofEpochSecond(Math.floorDiv(millis, 1000), (int) Math.floorMod(millis, 1000) * 1_000_000,
        ZoneOffset.UTC);
  }
}
