package io.candles.serve;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Every query the server makes, through a small pool of read-only connections, all of them
 * prepared statements. The table's index on {@code (currency_pair, open_time)} serves each: a
 * range of one pair's windows, the newest first or the oldest first.
 */
public final class CandleStore implements AutoCloseable {
  /** No kline starts after this; the bound of a query without endTime. */
  private static final LocalDateTime NO_END = LocalDateTime.of(9999, 12, 31, 0, 0);
  private static final int QUERY_TIMEOUT_SECONDS = 10;

  private final HikariDataSource pool;
  private final CandleColumns columns;
  private final String fromOldest;
  private final String fromNewest;
  private final String oneRow;
  private final String changedSince;

  private CandleStore(HikariDataSource pool, CandleColumns columns) {
    this.pool = pool;
    this.columns = columns;
    String select = "SELECT " + columns.selectList() + " FROM " + CandleTable.TABLE
        + " WHERE currency_pair = ? AND open_time >= ? AND open_time <= ?"
        // Whole multiples of the step: every window for 1 minute, the 5-minute boundaries for 5.
        + " AND extract(epoch FROM open_time)::bigint % ? = 0";
    this.fromOldest = select + " ORDER BY open_time LIMIT ?";
    this.fromNewest = select + " ORDER BY open_time DESC LIMIT ?";
    this.oneRow = "SELECT " + columns.selectList() + " FROM " + CandleTable.TABLE
        + " WHERE currency_pair = ? AND open_time = ?";
    this.changedSince = "SELECT " + columns.selectList() + " FROM " + CandleTable.TABLE
        + " WHERE updated_at > ? ORDER BY updated_at";
  }

  /** A pool on the server's read-only role, with the table's columns read once. */
  public static CandleStore open(ServeOptions.Settings s) throws SQLException {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(s.jdbcUrl());
    c.setUsername(s.jdbcUser());
    c.setPassword(s.jdbcPassword());
    c.setReadOnly(true);
    c.setAutoCommit(true);
    c.setMaximumPoolSize(s.poolSize());
    c.setMinimumIdle(1);
    c.setPoolName("candles-serve");
    c.setConnectionTimeout(5_000);
    // Checked by Preflight before the pool exists; the pool itself never fails the start.
    c.setInitializationFailTimeout(-1);
    c.addDataSourceProperty("ApplicationName", "candles-serve");
    c.addDataSourceProperty("tcpKeepAlive", "true");
    HikariDataSource pool = new HikariDataSource(c);
    try (Connection conn = pool.getConnection()) {
      return new CandleStore(pool, new CandleColumns(tableColumns(conn)));
    } catch (SQLException | RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  /** The table's column names. */
  static Set<String> tableColumns(Connection c) throws SQLException {
    Set<String> names = new HashSet<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? AND table_schema = current_schema()")) {
      ps.setString(1, CandleTable.TABLE);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
    }
    return names;
  }

  public CandleColumns columns() {
    return columns;
  }

  /** The klines of a query, oldest first, as Binance orders them. */
  public List<CandleRow> klines(KlineQuery q) throws SQLException {
    boolean oldestFirst = q.startTime() != null;
    try (Connection c = pool.getConnection();
        PreparedStatement ps = c.prepareStatement(oldestFirst ? fromOldest : fromNewest)) {
      ps.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
      ps.setString(1, q.symbol());
      ps.setObject(2, q.startTime() == null ? LocalDateTime.of(1970, 1, 1, 0, 0) : CandleColumns.utc(q.startTime()));
      ps.setObject(3, q.endTime() == null ? NO_END : CandleColumns.utc(q.endTime()));
      ps.setLong(4, q.step() / 1000);
      ps.setInt(5, q.limit());
      List<CandleRow> rows = readAll(ps);
      if (!oldestFirst) {
        Collections.reverse(rows);
      }
      return rows;
    }
  }

  /** Whether the table has any row of {@code pair}. */
  public boolean hasPair(String pair) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT 1 FROM " + CandleTable.TABLE + " WHERE currency_pair = ? LIMIT 1")) {
      ps.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
      ps.setString(1, pair);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** Every pair in the table, in order: a skip scan of the index, one probe per pair. */
  public List<String> pairs() throws SQLException {
    String t = CandleTable.TABLE;
    try (Connection c = pool.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "WITH RECURSIVE p AS ("
                + " (SELECT currency_pair FROM " + t + " ORDER BY currency_pair LIMIT 1)"
                + " UNION ALL"
                + " SELECT (SELECT currency_pair FROM " + t + " WHERE currency_pair > p.currency_pair"
                + "         ORDER BY currency_pair LIMIT 1) FROM p WHERE p.currency_pair IS NOT NULL)"
                + " SELECT currency_pair FROM p WHERE currency_pair IS NOT NULL")) {
      ps.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
      List<String> pairs = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          pairs.add(rs.getString(1));
        }
      }
      return pairs;
    }
  }

  /** One row, or null. */
  public CandleRow row(String pair, long openTime) throws SQLException {
    try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(oneRow)) {
      ps.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
      ps.setString(1, pair);
      ps.setObject(2, CandleColumns.utc(openTime));
      List<CandleRow> rows = readAll(ps);
      return rows.isEmpty() ? null : rows.get(0);
    }
  }

  /**
   * Rows written after {@code updatedAtMicros}, on the given connection (the change feed's own,
   * right after it listens again). A sequential scan: there is no index on updated_at, since one
   * would cost every upsert of the pipeline; it runs once per reconnect of the feed.
   */
  public List<CandleRow> changedSince(Connection c, long updatedAtMicros) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(changedSince)) {
      ps.setObject(1, java.time.OffsetDateTime.ofInstant(
          java.time.Instant.EPOCH.plus(updatedAtMicros, java.time.temporal.ChronoUnit.MICROS), java.time.ZoneOffset.UTC));
      return readAll(ps);
    }
  }

  private List<CandleRow> readAll(PreparedStatement ps) throws SQLException {
    List<CandleRow> rows = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        rows.add(columns.read(rs));
      }
    }
    return rows;
  }

  @Override
  public void close() {
    pool.close();
  }
}
