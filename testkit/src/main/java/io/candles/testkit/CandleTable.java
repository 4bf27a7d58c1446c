package io.candles.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/** A candle table as the database holds it, read the plain way. */
public final class CandleTable {

  private CandleTable() {}

  /**
   * One row; prices without trailing zeros, so equal numbers compare equal; {@code lastEventTime}
   * is the closing tick's event time.
   */
  public record Row(String pair, long openTime, long closeTime, BigDecimal open, BigDecimal high,
      BigDecimal low, BigDecimal close, long count, long lastEventTime, boolean isFinal, Quality quality) {
    public String key() {
      return pair + "@" + Instant.ofEpochMilli(openTime);
    }

    @Override
    public String toString() {
      return pair + " " + Instant.ofEpochMilli(openTime) + " O=" + open.toPlainString() + " H="
          + high.toPlainString() + " L=" + low.toPlainString() + " C=" + close.toPlainString()
          + " n=" + count + " last=" + Instant.ofEpochMilli(lastEventTime) + (isFinal ? " final" : " early")
          + " " + quality;
    }

    /** The same row, final or open. */
    public Row withFinal(boolean f) {
      return new Row(pair, openTime, closeTime, open, high, low, close, count, lastEventTime, f, quality);
    }
  }

  /**
   * A row's quality columns: the bid's and the ask's OHLC, the spread (ask - bid) over the ticks,
   * per tick and weighted by time, and the feed gaps inside the window. Numbers without trailing zeros.
   */
  public record Quality(BigDecimal bidOpen, BigDecimal bidHigh, BigDecimal bidLow, BigDecimal bidClose,
      BigDecimal askOpen, BigDecimal askHigh, BigDecimal askLow, BigDecimal askClose,
      BigDecimal spreadMin, BigDecimal spreadMax, BigDecimal spreadMean, BigDecimal spreadTwa, long gapMs,
      int gapCount) {
    @Override
    public String toString() {
      return "bid=" + plain(bidOpen) + "/" + plain(bidHigh) + "/" + plain(bidLow)
          + "/" + plain(bidClose) + " ask=" + plain(askOpen) + "/" + plain(askHigh)
          + "/" + plain(askLow) + "/" + plain(askClose) + " spread=" + plain(spreadMin)
          + ".." + plain(spreadMax) + " mean " + plain(spreadMean) + " twa " + plain(spreadTwa)
          + (gapCount == 0 ? "" : " gap=" + gapMs + "ms x" + gapCount);
    }

    private static String plain(BigDecimal d) {
      return d == null ? "null" : d.toPlainString();
    }
  }

  public static BigDecimal norm(BigDecimal d) {
    BigDecimal s = d.stripTrailingZeros();
    return s.scale() < 0 ? s.setScale(0) : s;
  }

  /**
   * Creates {@code table} like the contract's, from the repository's own {@code sql/schema.sql}
   * (found above the working directory), unless it exists: so a test can watch it before the
   * pipeline first writes to it.
   */
  public static void create(Database db, String table) throws SQLException {
    Path dir = Paths.get("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("sql").resolve("schema.sql"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("sql/schema.sql not found above " + Paths.get("").toAbsolutePath());
    }
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      s.execute(Files.readString(dir.resolve("sql").resolve("schema.sql")));
      s.execute("CREATE TABLE IF NOT EXISTS " + table + " (LIKE candle_stick_five_min "
          + "INCLUDING DEFAULTS INCLUDING INDEXES INCLUDING STORAGE)");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The whole table by pair and open time; empty if it does not exist yet or the database is down. */
  public static List<Row> read(Database db, String table) {
    try {
      return query(db, "select * from " + table + " order by currency_pair, open_time");
    } catch (SQLException e) {
      return List.of();
    }
  }

  /** The rows a query of the table's columns returns (the traders' queries, say), in its order. */
  public static List<Row> query(Database db, String sql) throws SQLException {
    List<Row> rows = new ArrayList<>();
    try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        rows.add(new Row(rs.getString("currency_pair"), millis(rs, "open_time"), millis(rs, "close_time"),
            norm(rs.getBigDecimal("open_price")), norm(rs.getBigDecimal("high_price")),
            norm(rs.getBigDecimal("low_price")), norm(rs.getBigDecimal("close_price")),
            rs.getLong("tick_count"), millis(rs, "last_event_time"), rs.getBoolean("is_final"),
            new Quality(normOrNull(rs, "bid_open"), normOrNull(rs, "bid_high"), normOrNull(rs, "bid_low"),
                normOrNull(rs, "bid_close"), normOrNull(rs, "ask_open"), normOrNull(rs, "ask_high"),
                normOrNull(rs, "ask_low"), normOrNull(rs, "ask_close"), normOrNull(rs, "spread_min"),
                normOrNull(rs, "spread_max"), normOrNull(rs, "spread_mean"), normOrNull(rs, "spread_twa"),
                rs.getLong("gap_ms"),
                rs.getInt("gap_count"))));
      }
    }
    return rows;
  }

  private static BigDecimal normOrNull(ResultSet rs, String column) throws SQLException {
    BigDecimal d = rs.getBigDecimal(column);
    return d == null ? null : norm(d);
  }

  static long millis(ResultSet rs, String column) throws SQLException {
    return rs.getObject(column, LocalDateTime.class).toInstant(ZoneOffset.UTC).toEpochMilli();
  }

  /** The sum of tick_count over the table: grows as the pipeline makes progress. */
  public static long tickCountSum(Database db, String table) {
    return read(db, table).stream().mapToLong(Row::count).sum();
  }

  /** Polls the table until it equals {@code expected}; fails with the difference otherwise. */
  public static void awaitEquals(Database db, String table, List<Row> expected, Duration timeout,
      Supplier<String> context) throws InterruptedException {
    awaitEquals(db, table, expected, r -> true, timeout, context);
  }

  /** Like {@link #awaitEquals}, comparing only the table's rows that {@code which} keeps. */
  public static void awaitEquals(Database db, String table, List<Row> expected, Predicate<Row> which,
      Duration timeout, Supplier<String> context) throws InterruptedException {
    awaitEqualsViewed(db, table, expected, r -> which.test(r) ? r : null, timeout, context);
  }

  /**
   * Like {@link #awaitEquals}, comparing the table's rows as {@code view} sees them (null drops a
   * row).
   */
  public static void awaitEqualsViewed(Database db, String table, List<Row> expected, UnaryOperator<Row> view,
      Duration timeout, Supplier<String> context) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Row> actual = List.of();
    while (System.nanoTime() < deadline) {
      actual = read(db, table).stream().map(view).filter(java.util.Objects::nonNull).toList();
      if (actual.equals(expected)) {
        return;
      }
      Thread.sleep(1000);
    }
    throw new AssertionError(difference(expected, actual) + "\n" + context.get());
  }

  /**
   * Polls a table that live ticks went into until it holds the candles of {@code ticks}: the
   * windows ended by {@code cutoff} final and exact, the later ones exact so far, final or not (the
   * watermark moves on while a test looks). Fails with the difference otherwise; returns the rows it
   * required final.
   */
  public static List<Row> awaitLive(Database db, String table, List<TickStream.Sent> ticks, long cutoff,
      Duration timeout, Supplier<String> context) throws InterruptedException {
    return awaitLive(db, table, ticks, Map.of(), cutoff, timeout, context);
  }

  /** {@link #awaitLive} for a topic that also holds gap records ({@link Topics#gaps}). */
  public static List<Row> awaitLive(Database db, String table, List<TickStream.Sent> ticks,
      Map<String, List<long[]>> gaps, long cutoff, Duration timeout, Supplier<String> context)
      throws InterruptedException {
    List<Row> expected = CandleReference.asOf(CandleReference.withGaps(CandleReference.candles(ticks), gaps), cutoff);
    awaitEqualsViewed(db, table, expected, r -> CandleReference.finalOnlyBy(r, cutoff), timeout, context);
    return CandleReference.endingBy(expected, cutoff);
  }

  public static String difference(List<Row> expected, List<Row> actual) {
    Map<String, Row> e = expected.stream().collect(Collectors.toMap(Row::key, r -> r, (a, b) -> a, TreeMap::new));
    Map<String, Row> a = actual.stream().collect(Collectors.toMap(Row::key, r -> r, (x, y) -> x, TreeMap::new));
    StringBuilder diff = new StringBuilder();
    int shown = 0;
    int differing = 0;
    for (Map.Entry<String, Row> x : e.entrySet()) {
      Row got = a.get(x.getKey());
      if (!x.getValue().equals(got)) {
        differing++;
        if (shown++ < 15) {
          diff.append("\n  expected ").append(x.getValue()).append("\n  actual   ").append(got);
        }
      }
    }
    for (String k : a.keySet()) {
      if (!e.containsKey(k)) {
        differing++;
        if (shown++ < 20) {
          diff.append("\n  unexpected ").append(a.get(k));
        }
      }
    }
    return "candle table (" + actual.size() + " rows) differs from the reference (" + expected.size()
        + " rows) in " + differing + " rows:" + diff;
  }
}
