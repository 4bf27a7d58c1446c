package io.candles.runners;

import io.candles.pipeline.JdbcSettings;
import io.candles.pipeline.UpsertCandles;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * What the pipeline's database role may do with the candle table. The launcher applies
 * {@code sql/schema.sql} at start-up, which only the table's owner can do; a role that may only
 * write candles (sql/roles.sql's {@code candles_job}, as docker-compose.yml runs the job) leaves the
 * schema to the owner, provided the table is already there with every column the upsert writes.
 */
final class CandleTableAccess {

  private static final String QUERY = "SELECT pg_has_role(c.relowner, 'USAGE') AS owns,"
      + " has_table_privilege(c.oid, 'SELECT, INSERT, UPDATE') AS writes,"
      + " coalesce(has_sequence_privilege(pg_get_serial_sequence(?, 'id'), 'USAGE'), true) AS numbers"
      + " FROM pg_class c WHERE c.oid = to_regclass(?)";

  private CandleTableAccess() {}

  /**
   * Whether the table exists, accepts the pipeline's upsert as it stands, and the role may run that
   * upsert but does not own the table (so could not migrate it). False whenever the database cannot
   * be asked: the caller then goes the usual way, which reports why.
   */
  static boolean writesWithoutOwning(JdbcSettings jdbc, String table) {
    try (Connection c = jdbc.connect(10); PreparedStatement ps = c.prepareStatement(QUERY)) {
      ps.setString(1, table);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next() || rs.getBoolean("owns") || !rs.getBoolean("writes") || !rs.getBoolean("numbers")) {
          return false;
        }
      }
      // The server parses the upsert against the table as it is: a column that a migration has yet
      // to add fails here, and the caller's migration attempt then names the missing right.
      try (PreparedStatement upsert = c.prepareStatement(UpsertCandles.upsertSql(table))) {
        upsert.getParameterMetaData();
      }
      return true;
    } catch (SQLException e) {
      return false;
    }
  }
}
