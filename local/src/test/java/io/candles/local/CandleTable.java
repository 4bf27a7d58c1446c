package io.candles.local;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.junit.Assert.fail;

import io.candles.devservices.PostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What the tests read from candle_stick_five_min, as a trading bot would. */
final class CandleTable {
  static final List<String> PAIRS = List.of("BTCUSDT", "ETHUSDT", "SOLUSDT");

  private CandleTable() {}

  static String jdbc(String pgPort) {
    return "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres";
  }

  static Map<String, Long> awaitCandlesForEveryPair(String jdbc, long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    Map<String, Long> t = Map.of();
    while (System.currentTimeMillis() < deadline) {
      try {
        t = totals(jdbc);
        if (t.keySet().containsAll(PAIRS)) {
          return t;
        }
      } catch (SQLException e) {
        // The table may not exist yet.
      }
      Thread.sleep(250);
    }
    fail("no candles for every pair within " + timeoutMillis / 1000 + " s of start: " + t);
    return null;
  }

  /** Waits until every pair's tick total has grown past {@code before}. */
  static Map<String, Long> awaitGrowth(String jdbc, Map<String, Long> before, long timeoutMillis) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    Map<String, Long> now = before;
    while (System.currentTimeMillis() < deadline) {
      now = totals(jdbc);
      boolean all = true;
      for (String pair : PAIRS) {
        if (now.getOrDefault(pair, 0L) <= before.getOrDefault(pair, 0L)) {
          all = false;
        }
      }
      if (all) {
        return now;
      }
      Thread.sleep(500);
    }
    fail("candles did not update within " + timeoutMillis / 1000 + " s: " + before + " -> " + now);
    return null;
  }

  /** Ticks in the table per pair: each tick is in exactly one window starting on a multiple of 5 minutes. */
  static Map<String, Long> totals(String jdbc) throws SQLException {
    Map<String, Long> out = new HashMap<>();
    try (Connection c = DriverManager.getConnection(jdbc, "postgres", "postgres");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT currency_pair, sum(tick_count) FROM candle_stick_five_min "
            + "WHERE (extract(epoch FROM open_time)::bigint / 60) % 5 = 0 GROUP BY currency_pair")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getLong(2));
      }
    }
    return out;
  }

  /**
   * Every row's tick_count, by pair and open time. Between runs nothing serves the data, so it
   * starts the same PostgreSQL on it briefly.
   */
  static Map<String, Long> rowCounts(Path dataDir, String pgPort, boolean startServer) throws Exception {
    PostgresServer pg = startServer ? PostgresServer.start(dataDir.resolve("postgres")) : null;
    String url = pg != null ? pg.jdbcUrl() : jdbc(pgPort);
    try (Connection c = DriverManager.getConnection(url, "postgres", "postgres");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT currency_pair, open_time, tick_count FROM candle_stick_five_min")) {
      Map<String, Long> out = new HashMap<>();
      while (rs.next()) {
        out.put(rs.getString(1) + " " + rs.getString(2), rs.getLong(3));
      }
      assertThat(out.size(), greaterThan(0));
      return out;
    } finally {
      if (pg != null) {
        pg.stop();
      }
    }
  }
}
