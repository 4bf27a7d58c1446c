package io.candles.local;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The candles on screen, read from PostgreSQL like any trader's bot would: per pair the open
 * 5-minute candle that closes next and the last closed one, ticks per second reaching the table,
 * and how old the freshest tick in the table is; and each candle's quality (issue 16): its spread,
 * weighted by how long each held (per tick where the ticks do not say), and, when the feed had gaps
 * in its window, how long and how many. A table from before the quality columns shows none.
 */
final class LiveView implements AutoCloseable {
  private static final DateTimeFormatter HM = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
  private static final long MINUTE = 60_000;
  private static final String FORMAT = "%-9s %-13s %12s %12s %12s %12s %7s %-6s %12s %-16s %8s %9s%n";
  /** Three significant digits: enough to compare spreads, which as means per tick have many. */
  private static final MathContext SPREAD_DIGITS = new MathContext(3, RoundingMode.HALF_EVEN);

  private final Connection c;
  private final List<String> pairs;
  private final boolean ansi;
  private final Map<String, Long> lastTotals = new HashMap<>();
  private long lastAt;
  /** The quality columns' select list, or NULLs in their place for an older table; read once. */
  private String qualitySelect;

  LiveView(String jdbcUrl, String user, String password, List<String> pairs, boolean ansi)
      throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("ApplicationName", "candles-live-view");
    this.c = DriverManager.getConnection(jdbcUrl, p);
    this.pairs = pairs;
    this.ansi = ansi;
  }

  /** Rows seen for each pair so far (for tests and the exit summary). */
  long rows() throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM candle_stick_five_min");
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  void render(PrintStream out) throws SQLException {
    long now = System.currentTimeMillis();
    long minute = Math.floorDiv(now, MINUTE) * MINUTE;
    long current = minute - 4 * MINUTE;
    long closed = minute - 5 * MINUTE;
    Map<String, String[]> rows = new HashMap<>();
    try (PreparedStatement s = c.prepareStatement("SELECT currency_pair, open_time, open_price, "
        + "high_price, low_price, close_price, tick_count, is_final, last_event_time, " + qualitySelect()
        + " FROM candle_stick_five_min WHERE open_time IN (?, ?)")) {
      s.setObject(1, utc(current));
      s.setObject(2, utc(closed));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          long open = rs.getObject(2, LocalDateTime.class).toInstant(ZoneOffset.UTC).toEpochMilli();
          rows.put(rs.getString(1) + (open == current ? "|current" : "|closed"), new String[] {
              price(rs.getBigDecimal(3)), price(rs.getBigDecimal(4)), price(rs.getBigDecimal(5)),
              price(rs.getBigDecimal(6)), Long.toString(rs.getLong(7)),
              rs.getBoolean(8) ? "final" : "open", spread(rs.getBigDecimal(10)), gap(rs.getLong(11), rs.getLong(12))});
        }
      }
    }
    // Every tick is in exactly one window starting on a multiple of five minutes.
    Map<String, Long> totals = new HashMap<>();
    Map<String, Long> freshest = new HashMap<>();
    try (PreparedStatement s = c.prepareStatement("SELECT currency_pair, "
        + "sum(tick_count) FILTER (WHERE (extract(epoch FROM open_time)::bigint / 60) % 5 = 0), "
        + "max(last_event_time) FROM candle_stick_five_min GROUP BY currency_pair");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        totals.put(rs.getString(1), rs.getLong(2));
        LocalDateTime last = rs.getObject(3, LocalDateTime.class);
        if (last != null) {
          freshest.put(rs.getString(1), last.toInstant(ZoneOffset.UTC).toEpochMilli());
        }
      }
    }
    double seconds = lastAt == 0 ? 0 : (now - lastAt) / 1000.0;

    StringBuilder sb = new StringBuilder();
    if (ansi) {
      sb.append("\033[H\033[2J");
    }
    sb.append(String.format("candles  %s UTC   (table candle_stick_five_min; Ctrl-C stops everything)%n",
        HMS.format(Instant.ofEpochMilli(now))));
    sb.append(String.format(FORMAT, "pair", "window (UTC)", "open", "high", "low", "close", "ticks", "state",
        "spread (twa)", "feed gaps", "ticks/s", "freshest"));
    for (String pair : pairs) {
      long total = totals.getOrDefault(pair, 0L);
      Long before = lastTotals.put(pair, total);
      String rate = before == null || seconds <= 0 ? "-" : String.format("%.1f", (total - before) / seconds);
      Long last = freshest.get(pair);
      String age = last == null ? "-" : (now - last) + " ms";
      sb.append(line(pair, current, rows.get(pair + "|current"), rate, age));
      sb.append(line("", closed, rows.get(pair + "|closed"), "", ""));
    }
    lastAt = now;
    out.print(sb);
    out.flush();
  }

  private static String line(String pair, long open, String[] r, String rate, String age) {
    String window = HM.format(Instant.ofEpochMilli(open)) + "-" + HM.format(Instant.ofEpochMilli(open + 5 * MINUTE));
    if (r == null) {
      return String.format(FORMAT, pair, window, "-", "-", "-", "-", "0", "-", "-", "", rate, age);
    }
    return String.format(FORMAT, pair, window, r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], rate, age);
  }

  /**
   * The quality columns to select: the time-weighted spread (the mean per tick where the ticks do
   * not say), gap_ms, gap_count, or in their place a null spread and no gaps when the table
   * predates them (a data directory kept from an older run).
   */
  private String qualitySelect() throws SQLException {
    if (qualitySelect == null) {
      try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM information_schema.columns "
          + "WHERE table_name = 'candle_stick_five_min' AND table_schema = current_schema() "
          + "AND column_name IN ('spread_mean', 'spread_twa', 'gap_ms', 'gap_count')");
          ResultSet rs = s.executeQuery()) {
        rs.next();
        qualitySelect = rs.getInt(1) == 4 ? "coalesce(spread_twa, spread_mean), gap_ms, gap_count"
            : rs.getInt(1) == 3 ? "spread_mean, gap_ms, gap_count" : "NULL::numeric, 0, 0";
      }
    }
    return qualitySelect;
  }

  /** The mean spread to three significant digits, or "-" before the window has one. */
  static String spread(BigDecimal mean) {
    return mean == null ? "-" : mean.round(SPREAD_DIGITS).stripTrailingZeros().toPlainString();
  }

  /** "gap 12.3s x1" for a window with feed gaps (their total length and count), else nothing. */
  static String gap(long gapMs, long gapCount) {
    if (gapMs <= 0) {
      return "";
    }
    return "gap " + BigDecimal.valueOf(gapMs, 3).setScale(1, RoundingMode.HALF_UP).toPlainString() + "s x" + gapCount;
  }

  private static String price(BigDecimal d) {
    return d.stripTrailingZeros().toPlainString();
  }

  private static LocalDateTime utc(long millis) {
    return LocalDateTime.ofEpochSecond(millis / 1000, 0, ZoneOffset.UTC);
  }

  @Override
  public void close() throws SQLException {
    c.close();
  }
}
