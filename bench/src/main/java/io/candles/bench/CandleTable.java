package io.candles.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The benchmark's view of PostgreSQL: it creates the run's own candle table (like the contract's)
 * and reads what the pipeline wrote. It never asks the pipeline anything.
 */
final class CandleTable implements AutoCloseable {
  /** The contract's table: the one the candle server serves, so the push benchmark's pipeline writes it. */
  static final String CONTRACT_TABLE = "candle_stick_five_min";
  private final Connection c;
  final String name;

  CandleTable(String jdbcUrl, String user, String password, String name) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("ApplicationName", "candles-bench");
    this.c = DriverManager.getConnection(jdbcUrl, p);
    this.name = name;
  }

  void create(Path schemaSql) throws SQLException, IOException {
    try (Statement s = c.createStatement()) {
      if (name.equals(CONTRACT_TABLE)) {
        // A run of its own in the benchmark's database: the last push run's rows and audit go.
        s.execute("DROP TABLE IF EXISTS " + name + "_audit");
        s.execute("DROP FUNCTION IF EXISTS " + name + "_audit_fn() CASCADE");
        s.execute("DROP TABLE IF EXISTS " + name + " CASCADE");
      }
      s.execute(Files.readString(schemaSql, StandardCharsets.UTF_8));
      if (!name.equals(CONTRACT_TABLE)) {
        s.execute("CREATE TABLE " + name + " (LIKE candle_stick_five_min INCLUDING ALL)");
      }
    }
  }

  /**
   * Logs every insert and update of a row with the database's clock: when a state of a candle
   * first became visible. The trigger costs the writer a little; it is only used for latency.
   */
  void addAuditTrigger() throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE UNLOGGED TABLE " + name + "_audit (currency_pair text, open_time timestamp, "
          + "tick_count bigint, seen_at timestamptz)");
      s.execute("CREATE FUNCTION " + name + "_audit_fn() RETURNS trigger LANGUAGE plpgsql AS $$ "
          + "BEGIN INSERT INTO " + name + "_audit VALUES (NEW.currency_pair, NEW.open_time, "
          + "NEW.tick_count, clock_timestamp()); RETURN NULL; END $$");
      s.execute("CREATE TRIGGER " + name + "_audit_tr AFTER INSERT OR UPDATE ON " + name
          + " FOR EACH ROW EXECUTE FUNCTION " + name + "_audit_fn()");
    }
  }

  /** The table's write counters now (inserts + updates, HOT updates), from pg_stat_user_tables. */
  RowWrites rowWrites() throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT n_tup_ins + n_tup_upd, n_tup_hot_upd"
        + " FROM pg_stat_user_tables WHERE relid = to_regclass(?)")) {
      s.setString(1, name);
      try (ResultSet rs = s.executeQuery()) {
        long at = System.currentTimeMillis();
        return rs.next() ? new RowWrites(at, rs.getLong(1), rs.getLong(2)) : new RowWrites(at, 0, 0);
      }
    }
  }

  /** Rows so far. */
  long rows() throws SQLException {
    return queryLong("SELECT count(*) FROM " + name);
  }

  /**
   * Ticks reflected in the table: the sum of tick_count over non-overlapping windows (those whose
   * start minute is a multiple of five), each tick being in exactly one of them.
   */
  long ticksReflected(boolean finalOnly) throws SQLException {
    return queryLong("SELECT coalesce(sum(tick_count), 0) FROM " + name
        + " WHERE (extract(epoch FROM open_time)::bigint / 60) % 5 = 0"
        + (finalOnly ? " AND is_final" : ""));
  }

  /** tick_count per "pair|openTimeMillis", and how many rows are not final. */
  Map<String, Long> counts(long[] notFinal) throws SQLException {
    Map<String, Long> out = new HashMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT currency_pair, "
            + "(extract(epoch FROM open_time) * 1000)::bigint, tick_count, is_final FROM " + name)) {
      while (rs.next()) {
        out.put(rs.getString(1) + "|" + rs.getLong(2), rs.getLong(3));
        if (!rs.getBoolean(4)) {
          notFinal[0]++;
        }
      }
    }
    return out;
  }

  /** Audit rows "pair|openTimeMillis" -> seenAtMillis, tickCount, seenAtMillis, ... in time order. */
  Map<String, LongList> audit() throws SQLException {
    Map<String, LongList> out = new HashMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT currency_pair, "
            + "(extract(epoch FROM open_time) * 1000)::bigint, "
            + "(extract(epoch FROM seen_at) * 1000)::bigint, tick_count FROM " + name
            + "_audit ORDER BY seen_at")) {
      while (rs.next()) {
        LongList l = out.computeIfAbsent(rs.getString(1) + "|" + rs.getLong(2), k -> new LongList());
        l.add(rs.getLong(3));
        l.add(rs.getLong(4));
      }
    }
    return out;
  }

  /** A growable array of longs. */
  static final class LongList {
    long[] a = new long[16];
    int size;

    void add(long v) {
      if (size == a.length) {
        a = java.util.Arrays.copyOf(a, size * 2);
      }
      a[size++] = v;
    }
  }

  private long queryLong(String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Override
  public void close() throws SQLException {
    c.close();
  }
}
