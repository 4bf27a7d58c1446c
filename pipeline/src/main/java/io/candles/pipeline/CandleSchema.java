package io.candles.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.joda.time.Duration;

/**
 * The candle tables: applies {@code sql/schema.sql} (packaged with the pipeline; idempotent),
 * creates another candle table like the contract's when asked for one, and keeps each table to one
 * window length: a table is registered in {@code candle_progress} with its window size and period
 * and carries a CHECK on its rows' length, and writing other windows into it is refused.
 */
public final class CandleSchema {
  static final String RESOURCE = "/io/candles/pipeline/sql/schema.sql";

  /** The contract's table, for five-minute candles every minute. */
  public static final String DEFAULT_TABLE = "candle_stick_five_min";

  /** The windows don't fit the table; the message is one line for the user. */
  public static final class WindowMismatchException extends RuntimeException {
    WindowMismatchException(String message) {
      super(message, null, false, false);
    }
  }

  private CandleSchema() {}

  /** The schema script's text. */
  public static String script() {
    try (InputStream in = CandleSchema.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("schema.sql is missing from the classpath at " + RESOURCE);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The table a windowing writes to unless told otherwise: the contract's for five-minute windows
   * every minute, else one named after the windows, e.g. {@code candle_stick_15_min} (every
   * minute) or {@code candle_stick_60_min_every_5_min}. Never the contract's for other windows.
   */
  public static String defaultTable(Duration size, Duration period) {
    if (size.getMillis() == 300_000 && period.getMillis() == 60_000) {
      return DEFAULT_TABLE;
    }
    return "candle_stick_" + length(size) + (period.getMillis() == 60_000 ? "" : "_every_" + length(period));
  }

  private static String length(Duration d) {
    long ms = d.getMillis();
    if (ms % 60_000 == 0) {
      return ms / 60_000 + "_min";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "_s";
    }
    return ms + "_ms";
  }

  /** Applies the schema and creates {@code table} for the windows, or refuses; see the class doc. */
  public static void apply(Connection c, String table, Duration size, Duration period) throws SQLException {
    UpsertCandles.checkTableName(table);
    try (Statement s = c.createStatement()) {
      s.execute(script());
      if (!table.equals(DEFAULT_TABLE)) {
        // Not INCLUDING ALL: the contract table's own window-length CHECK is not this one's.
        s.execute("CREATE TABLE IF NOT EXISTS " + table + " (LIKE " + DEFAULT_TABLE
            + " INCLUDING DEFAULTS INCLUDING INDEXES INCLUDING STORAGE)");
        addMissingColumns(c, table);
      }
    }
    registerWindows(c, table, size, period);
    addLengthCheck(c, table, size);
  }

  /**
   * A table made before a column was added to the contract table gets it now, with the same type
   * and default, as schema.sql does for its own: the columns are declared once, there.
   */
  private static void addMissingColumns(Connection c, String table) throws SQLException {
    List<String> additions = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod), pg_get_expr(d.adbin, d.adrelid), a.attnotnull "
            + "FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
            + "WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped "
            + "AND a.attname NOT IN (SELECT column_name FROM information_schema.columns "
            + "WHERE table_schema = current_schema() AND table_name = ?) ORDER BY a.attnum")) {
      ps.setString(1, DEFAULT_TABLE);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          additions.add("ADD COLUMN IF NOT EXISTS " + rs.getString(1) + " " + rs.getString(2)
              + (rs.getString(3) == null ? "" : " DEFAULT " + rs.getString(3))
              + (rs.getBoolean(4) ? " NOT NULL" : ""));
        }
      }
    }
    if (!additions.isEmpty()) {
      try (Statement s = c.createStatement()) {
        s.execute("ALTER TABLE " + table + " " + String.join(", ", additions));
      }
    }
  }

  /**
   * Registers {@code table} for these windows in {@code candle_progress}, or refuses it when it is
   * registered for, or holds, other windows. Changes no schema: a role that may only write candles
   * can run it.
   */
  public static void registerWindows(Connection c, String table, Duration size, Duration period)
      throws SQLException {
    if (!isRegistered(c, table, size, period)) {
      // A table from before the registration (or made by hand): its rows say what it holds.
      checkRows(c, table, size);
      register(c, table, size, period);
    }
  }

  /** Whether {@code table} is registered for these windows; refuses other windows. */
  private static boolean isRegistered(Connection c, String table, Duration size, Duration period)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT window_size_ms, window_period_ms FROM candle_progress WHERE candle_table = ?")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          long registeredSize = rs.getLong(1);
          long registeredPeriod = rs.getLong(2);
          if (registeredSize != size.getMillis() || registeredPeriod != period.getMillis()) {
            throw mismatch(table, Duration.millis(registeredSize), Duration.millis(registeredPeriod), size, period);
          }
          return true;
        }
      }
    }
    return false;
  }

  private static void register(Connection c, String table, Duration size, Duration period)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO candle_progress "
        + "(candle_table, window_size_ms, window_period_ms) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
      ps.setString(1, table);
      ps.setLong(2, size.getMillis());
      ps.setLong(3, period.getMillis());
      ps.executeUpdate();
    }
  }

  /** Refuses a table whose rows are windows of another length. */
  private static void checkRows(Connection c, String table, Duration size) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT open_time, close_time FROM " + table
            + " WHERE close_time <> open_time + interval '" + size.getMillis() + " milliseconds' LIMIT 1")) {
      if (rs.next()) {
        long length = rs.getObject(2, LocalDateTime.class).toInstant(ZoneOffset.UTC).toEpochMilli()
            - rs.getObject(1, LocalDateTime.class).toInstant(ZoneOffset.UTC).toEpochMilli();
        throw new WindowMismatchException("table " + table + " holds candles " + describe(Duration.millis(length))
            + " long, not " + describe(size) + " (--windowSize): use another --table, or leave --table out "
            + "to get " + defaultTable(size, Duration.standardMinutes(1)) + "-style tables named after the windows");
      }
    }
  }

  private static void addLengthCheck(Connection c, String table, Duration size) throws SQLException {
    String name = table + "_window_length";
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_constraint WHERE conname = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          return;
        }
      }
    }
    try (Statement s = c.createStatement()) {
      s.execute("ALTER TABLE " + table + " ADD CONSTRAINT " + name + " CHECK (close_time = open_time + interval '"
          + size.getMillis() + " milliseconds') NOT VALID");
    }
  }

  /** The newest time through which every window of {@code table} is final and written, if known. */
  public static Optional<Long> finalThrough(Connection c, String table) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT final_through FROM candle_progress WHERE candle_table = ?")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next() && rs.getObject(1) != null) {
          return Optional.of(rs.getObject(1, LocalDateTime.class).toInstant(ZoneOffset.UTC).toEpochMilli());
        }
      }
    }
    return Optional.empty();
  }

  private static WindowMismatchException mismatch(String table, Duration haveSize, Duration havePeriod,
      Duration size, Duration period) {
    return new WindowMismatchException("table " + table + " holds " + describe(haveSize) + " candles every "
        + describe(havePeriod) + "; this run computes " + describe(size) + " candles every " + describe(period)
        + " (--windowSize/--windowPeriod): leave --table out to write them to "
        + defaultTable(size, period) + ", or name another table");
  }

  private static String describe(Duration d) {
    long ms = d.getMillis();
    if (ms % 3_600_000 == 0) {
      return ms / 3_600_000 + " h";
    }
    if (ms % 60_000 == 0) {
      return ms / 60_000 + " min";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + " s";
    }
    return ms + " ms";
  }
}
