package io.candles.local;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.junit.Assert.fail;

import io.candles.devservices.PostgresServer;
import io.candles.testkit.CandleTable;
import io.candles.testkit.Database;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What the tests read from a local run's candle_stick_five_min, as a trading bot would (testkit's reader). */
final class LocalCandles {
  static final List<String> PAIRS = List.of("BTCUSDT", "ETHUSDT", "SOLUSDT");
  static final String TABLE = "candle_stick_five_min";
  private static final long FIVE_MINUTES = 5 * 60_000L;

  private LocalCandles() {}

  /** The local run's database on {@code pgPort}. */
  static Database database(String pgPort) {
    return new Database("jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres", "postgres", "postgres");
  }

  static Map<String, Long> awaitCandlesForEveryPair(Database db, long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    Map<String, Long> t = Map.of();
    while (System.currentTimeMillis() < deadline) {
      t = totals(db);
      if (t.keySet().containsAll(PAIRS)) {
        return t;
      }
      Thread.sleep(250);
    }
    fail("no candles for every pair within " + timeoutMillis / 1000 + " s of start: " + t);
    return null;
  }

  /** Waits until every pair's tick total has grown past {@code before}. */
  static Map<String, Long> awaitGrowth(Database db, Map<String, Long> before, long timeoutMillis) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    Map<String, Long> now = before;
    while (System.currentTimeMillis() < deadline) {
      now = totals(db);
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

  /**
   * Ticks in the table per pair: each tick is in exactly one window starting on a multiple of 5
   * minutes. Empty while the table does not exist yet.
   */
  static Map<String, Long> totals(Database db) {
    Map<String, Long> out = new HashMap<>();
    for (CandleTable.Row r : CandleTable.read(db, TABLE)) {
      if (r.openTime() % FIVE_MINUTES == 0) {
        out.merge(r.pair(), r.count(), Long::sum);
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
    try {
      Database db = pg != null ? new Database(pg.jdbcUrl(), "postgres", "postgres") : database(pgPort);
      Map<String, Long> out = new HashMap<>();
      for (CandleTable.Row r : CandleTable.read(db, TABLE)) {
        out.put(r.pair() + " " + Instant.ofEpochMilli(r.openTime()), r.count());
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
