package io.candles.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** Applies {@code sql/schema.sql} (packaged with the pipeline), which is idempotent. */
public final class CandleSchema {
  static final String RESOURCE = "/io/candles/pipeline/sql/schema.sql";

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
   * Creates the contract's table when missing, and {@code table} like it when another name is
   * used (for 1-minute or hourly candles side by side).
   */
  public static void apply(Connection c, String table) throws SQLException {
    UpsertCandles.checkTableName(table);
    try (Statement s = c.createStatement()) {
      s.execute(script());
      if (!table.equals(UpsertCandles.DEFAULT_TABLE)) {
        s.execute("CREATE TABLE IF NOT EXISTS " + table + " (LIKE "
            + UpsertCandles.DEFAULT_TABLE + " INCLUDING ALL)");
        // A table made before a column was added gets it now, as schema.sql does for its own.
        s.execute("ALTER TABLE " + table + " ADD COLUMN IF NOT EXISTS last_event_time timestamp");
      }
    }
  }
}
