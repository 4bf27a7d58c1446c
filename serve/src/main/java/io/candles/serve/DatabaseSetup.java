package io.candles.serve;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;
import org.postgresql.PGConnection;

/**
 * Before anything listens: applies {@code sql/serve.sql} with the owner's credentials when given
 * (idempotent), then checks, as the read-only role, everything the server needs: the database
 * answers, the role can log in and read the table, and the change trigger is there. Each failure
 * is one line naming what is missing and how to fix it.
 */
final class DatabaseSetup {
  static final String SCRIPT = "/io/candles/serve/sql/serve.sql";
  private static final String TRIGGER = "candle_stick_five_min_notify_insert";

  private DatabaseSetup() {}

  /** The script's text, as packaged. */
  static String script() {
    try (InputStream in = DatabaseSetup.class.getResourceAsStream(SCRIPT)) {
      if (in == null) {
        throw new IllegalStateException("serve.sql is missing from the classpath at " + SCRIPT);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void prepare(ServeOptions.Settings s) throws StartupFailure {
    if (!s.setupJdbcUser().isEmpty()) {
      apply(s);
    }
    check(s);
  }

  private static void apply(ServeOptions.Settings s) throws StartupFailure {
    try (Connection c = connect(s.jdbcUrl(), s.setupJdbcUser(), s.setupJdbcPassword(), "candles-serve-setup")) {
      if (!CandleStore.tableColumns(c).contains("currency_pair")) {
        throw new StartupFailure("the candle table " + CandleTable.TABLE + " does not exist in " + s.jdbcUrl()
            + ": start the pipeline first (it creates the table) or apply sql/schema.sql");
      }
      try (PreparedStatement ps = c.prepareStatement(script())) {
        ps.execute();
      }
      if (!s.jdbcPassword().isEmpty() && s.jdbcUser().equals(CandleTable.READER_ROLE)) {
        // Hashed here (SCRAM), so the password never reaches the server's logs.
        c.unwrap(PGConnection.class).alterUserPassword(s.jdbcUser(), s.jdbcPassword().toCharArray(), "scram-sha-256");
      }
    } catch (SQLException e) {
      throw failure(s, s.setupJdbcUser(), "--setupJdbcUser", e);
    }
  }

  private static void check(ServeOptions.Settings s) throws StartupFailure {
    try (Connection c = connect(s.jdbcUrl(), s.jdbcUser(), s.jdbcPassword(), "candles-serve-check")) {
      try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + CandleTable.TABLE + " LIMIT 1")) {
        ps.executeQuery().close();
      }
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT 1 FROM pg_trigger t JOIN pg_class r ON r.oid = t.tgrelid WHERE r.relname = ? AND t.tgname = ?")) {
        ps.setString(1, CandleTable.TABLE);
        ps.setString(2, TRIGGER);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new StartupFailure("the change trigger of " + CandleTable.TABLE + " is missing: apply sql/serve.sql "
                + "as the table's owner, or start with --setupJdbcUser OWNER to have it applied");
          }
        }
      }
    } catch (SQLException e) {
      throw failure(s, s.jdbcUser(), "--jdbcUser", e);
    }
  }

  static Connection connect(String url, String user, String password, String application) throws SQLException {
    return connect(url, user, password, application, 0);
  }

  /** With a socket timeout in seconds (0: none), so that a read on a silently dead network fails. */
  static Connection connect(String url, String user, String password, String application, int socketTimeoutSeconds)
      throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("ApplicationName", application);
    p.setProperty("connectTimeout", "10");
    p.setProperty("tcpKeepAlive", "true");
    if (socketTimeoutSeconds > 0) {
      p.setProperty("socketTimeout", Integer.toString(socketTimeoutSeconds));
    }
    return DriverManager.getConnection(url, p);
  }

  /** One line for a failed connection or statement, by SQLSTATE. */
  static StartupFailure failure(ServeOptions.Settings s, String user, String option, SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String why = oneLine(e) + (state.isEmpty() ? "" : " (SQLSTATE " + state + ")");
    if (state.startsWith("08")) {
      return new StartupFailure("PostgreSQL not reachable at " + s.jdbcUrl() + " (--jdbcUrl): check that it is "
          + "running and that host and port are right; " + why);
    }
    if (state.startsWith("28")) {
      return new StartupFailure("PostgreSQL refused role " + user + " (" + option + "): "
          + (user.equals(CandleTable.READER_ROLE) ? "create it with sql/serve.sql as the table's owner, or start with "
              + "--setupJdbcUser OWNER; " : "check the role and its password; ") + why);
    }
    if (state.equals("42P01")) {
      return new StartupFailure("the candle table " + CandleTable.TABLE + " does not exist in " + s.jdbcUrl()
          + ": start the pipeline first (it creates the table) or apply sql/schema.sql; " + why);
    }
    if (state.equals("42501")) {
      return new StartupFailure("role " + user + " (" + option + ") may not do this: apply sql/serve.sql as the "
          + "table's owner (it grants the reader SELECT); " + why);
    }
    return new StartupFailure("database set-up failed as " + user + " at " + s.jdbcUrl() + ": " + why);
  }

  static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.replaceAll("\\s+", " ").trim();
  }
}
