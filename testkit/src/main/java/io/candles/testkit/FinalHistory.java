package io.candles.testkit;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * When each row of a candle table first became final, and with how many ticks: a trigger logs it
 * with the database's clock. The final table can hide a row that was marked final before all its
 * ticks were in (a later late pane completes it); this log cannot.
 */
public final class FinalHistory {
  private final Database db;
  private final String table;
  private final String log;

  private FinalHistory(Database db, String table) {
    this.db = db;
    this.table = table;
    this.log = table + "_final_log";
  }

  /** One first-final state of a row. */
  public record Entry(String pair, long openTime, long count, long loggedAt) {}

  /** Installs the log on {@code table}, which must exist. */
  public static FinalHistory install(Database db, String table) throws SQLException {
    FinalHistory h = new FinalHistory(db, table);
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS " + h.log + " (currency_pair text, open_time timestamp, "
          + "tick_count bigint, logged_at timestamptz DEFAULT clock_timestamp())");
      s.execute("CREATE OR REPLACE FUNCTION " + h.log + "_fn() RETURNS trigger AS $$ BEGIN "
          + "IF NEW.is_final AND (TG_OP = 'INSERT' OR NOT OLD.is_final) THEN "
          + "INSERT INTO " + h.log + " (currency_pair, open_time, tick_count) "
          + "VALUES (NEW.currency_pair, NEW.open_time, NEW.tick_count); END IF; RETURN NEW; END $$ LANGUAGE plpgsql");
      s.execute("DROP TRIGGER IF EXISTS " + h.log + "_trg ON " + table);
      s.execute("CREATE TRIGGER " + h.log + "_trg AFTER INSERT OR UPDATE ON " + table
          + " FOR EACH ROW EXECUTE FUNCTION " + h.log + "_fn()");
    }
    return h;
  }

  public List<Entry> entries() throws SQLException {
    List<Entry> entries = new ArrayList<>();
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT currency_pair, open_time, tick_count, "
            + "extract(epoch from logged_at) * 1000 FROM " + log + " ORDER BY logged_at")) {
      while (rs.next()) {
        entries.add(new Entry(rs.getString(1), CandleTable.millis(rs, "open_time"), rs.getLong(3),
            (long) rs.getDouble(4)));
      }
    }
    return entries;
  }

  /**
   * Fails if any row of {@code expected} became final with fewer (or more) ticks than the
   * reference gives it, or became final twice; rows not in {@code expected} are not judged.
   */
  public void assertNoEarlyFinal(List<CandleTable.Row> expected) throws SQLException {
    Map<String, CandleTable.Row> byKey = new HashMap<>();
    for (CandleTable.Row r : expected) {
      byKey.put(r.pair() + "@" + Instant.ofEpochMilli(r.openTime()), r);
    }
    Map<String, Entry> seen = new LinkedHashMap<>();
    List<String> wrong = new ArrayList<>();
    for (Entry e : entries()) {
      String key = e.pair() + "@" + Instant.ofEpochMilli(e.openTime());
      if (seen.put(key, e) != null) {
        wrong.add(key + " became final twice");
      }
      CandleTable.Row r = byKey.get(key);
      if (r != null && r.count() != e.count()) {
        wrong.add(key + " became final at " + Instant.ofEpochMilli(e.loggedAt()) + " with " + e.count()
            + " ticks; it has " + r.count());
      }
    }
    if (!wrong.isEmpty()) {
      throw new AssertionError(wrong.size() + " rows of " + table + " were final before all their ticks were in: "
          + String.join("; ", wrong.subList(0, Math.min(12, wrong.size()))));
    }
  }
}
