package io.candles.serve;

import io.candles.contract.Tick;
import io.candles.devservices.PostgresServer;
import io.candles.pipeline.Bar;
import io.candles.pipeline.Candle;
import io.candles.pipeline.CandleSchema;
import io.candles.pipeline.Ohlc;
import io.candles.pipeline.UpsertCandles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * One real PostgreSQL for the tests of this JVM (embedded binaries, started on first use, stopped
 * at exit), with the contract's table made by the pipeline's own schema code, and rows written by
 * the pipeline's own upsert statement ({@link UpsertCandles#upsertSql}), bound as it binds them, so
 * the rows are exactly what the pipeline writes. Each test class uses pairs of its own.
 */
final class TestDatabase {
  private static PostgresServer postgres;

  private TestDatabase() {}

  static synchronized PostgresServer postgres() {
    if (postgres == null) {
      try {
        Path root = Files.createDirectories(Paths.get("target", "it-services"));
        postgres = PostgresServer.start(Files.createTempDirectory(root, "postgres-"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(postgres::stop));
      try (Connection c = owner()) {
        CandleSchema.apply(c, CandleTable.TABLE, org.joda.time.Duration.standardMinutes(5),
            org.joda.time.Duration.standardMinutes(1));
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }
    return postgres;
  }

  /** The table's owner (the pipeline's role); a test that waits on a dead server fails instead. */
  static Connection owner() throws SQLException {
    PostgresServer pg = postgres();
    java.util.Properties p = new java.util.Properties();
    p.setProperty("user", pg.user());
    p.setProperty("password", pg.password());
    p.setProperty("connectTimeout", "10");
    p.setProperty("socketTimeout", "60");
    p.setProperty("ApplicationName", "candles-serve-test");
    return DriverManager.getConnection(pg.jdbcUrl(), p);
  }

  /**
   * The server's settings as a user gets them, on this database and a free port, with the owner's
   * role for the set-up (which a first start needs to create the reader role and the trigger).
   */
  static ServeOptions.Settings settings() {
    PostgresServer pg = postgres();
    return ServeOptions.Settings.defaults(pg.jdbcUrl(), CandleTable.READER_ROLE, "")
        .withPort(0).withSetup(pg.user(), pg.password());
  }

  /** A candle the way the pipeline holds one: mids in 10^-9 units, times in epoch ms. */
  static Candle candle(String pair, long openTime, long open, long high, long low, long close, long ticks,
      long lastEventTime, boolean isFinal) {
    // The mid's own bar; the bid and the ask at the mid (a zero spread), no receive time, no gap.
    Bar quotes = new Bar(open / 10, high / 10, low / 10, close / 10);
    return new Candle(pair, openTime, openTime + CandleTable.WINDOW_MILLIS, new Ohlc(new Bar(open, high, low, close),
        quotes, quotes, 0, 0, 0, ticks, lastEventTime, Tick.NO_TIME, 0, 0), isFinal);
  }

  /** Upserts with the pipeline's statement, in one transaction, bound as UpsertCandles binds. */
  static void upsert(List<Candle> candles) throws SQLException {
    try (Writer w = new Writer()) {
      w.upsert(candles);
    }
  }

  static void upsert(Candle... candles) throws SQLException {
    upsert(List.of(candles));
  }

  /** One connection for many upserts, as the pipeline's writers hold theirs. */
  static final class Writer implements AutoCloseable {
    private final Connection c;
    private final PreparedStatement ps;

    Writer() throws SQLException {
      c = owner();
      c.setAutoCommit(false);
      ps = c.prepareStatement(UpsertCandles.upsertSql(CandleTable.TABLE));
    }

    void upsert(List<Candle> candles) throws SQLException {
      for (Candle k : candles) {
        UpsertCandles.bind(k, ps);
        ps.addBatch();
      }
      ps.executeBatch();
      c.commit();
    }

    void upsert(Candle... candles) throws SQLException {
      upsert(List.of(candles));
    }

    @Override
    public void close() throws SQLException {
      c.close();
    }
  }

  static LocalDateTime utc(long millis) {
    return LocalDateTime.ofEpochSecond(Math.floorDiv(millis, 1000), (int) Math.floorMod(millis, 1000) * 1_000_000,
        ZoneOffset.UTC);
  }
}
