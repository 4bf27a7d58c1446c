package io.candles.pipeline;

import io.candles.contract.Prices;
import io.candles.contract.Tick;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.beam.sdk.io.jdbc.JdbcIO;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;

/**
 * Upserts candles into PostgreSQL in batches, on {@code (currency_pair, open_time)}.
 *
 * <p>A row is never replaced by an older state of itself: the update applies only when the new
 * state has more ticks or more gap time (and less of neither), or the same and newly final. So replays (a restart, a retry, a
 * rewind) and panes that arrive out of order leave the newest state in place, and replaying the
 * same panes changes nothing, not even {@code updated_at}. {@code is_final} never goes back to
 * false.
 */
public final class UpsertCandles extends PTransform<PCollection<Candle>, PCollection<Void>> {
  // The value the JVM derived before it was declared: savepoints taken since stay readable.
  private static final long serialVersionUID = 5946737690648695352L;


  /**
   * How long a batch of rows may wait to fill before it is written, by default. Every row waits
   * this long after the first of its batch, so it adds to every tick's latency; the rows of one
   * early firing arrive within a millisecond or two, and under a backlog batches fill up
   * ({@code --jdbcBatchSize}) long before. 20 ms before: at 20 pairs x 400 ticks/s on Flink, 5 ms
   * took p50 from 68 to 54 ms and p99 from 97 to 80 ms (with --earlyFiringDelay=20ms
   * --maxBundleTimeMills=20).
   */
  public static final Duration DEFAULT_MAX_BATCH_WAIT = Duration.millis(5);

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

  private final JdbcSettings jdbc;
  private final String table;
  private final int batchSize;
  private final Duration maxBatchWait;

  public UpsertCandles(JdbcSettings jdbc, String table, int batchSize) {
    this(jdbc, table, batchSize, DEFAULT_MAX_BATCH_WAIT);
  }

  public UpsertCandles(JdbcSettings jdbc, String table, int batchSize, Duration maxBatchWait) {
    super("UpsertCandles");
    this.jdbc = jdbc;
    this.table = checkTableName(table);
    this.batchSize = batchSize;
    this.maxBatchWait = maxBatchWait;
  }

  /** Accepts only a plain SQL identifier, since it is spliced into the statement. */
  public static String checkTableName(String table) {
    if (!IDENTIFIER.matcher(table).matches()) {
      throw new IllegalArgumentException("--table must be a plain SQL identifier (letters, digits, "
          + "underscore; not starting with a digit), got: " + table);
    }
    return table;
  }

  /** The columns written, in the order {@link #bind} sets them (updated_at is the server's). */
  static final List<String> COLUMNS = List.of("currency_pair", "open_price", "high_price", "low_price",
      "close_price", "open_time", "close_time", "tick_count", "last_event_time", "is_final",
      "last_ingest_time", "bid_open", "bid_high", "bid_low", "bid_close", "ask_open", "ask_high", "ask_low",
      "ask_close", "spread_min", "spread_max", "spread_mean", "spread_twa", "gap_ms", "gap_count");

  /** The upsert statement for {@code table}. */
  public static String upsertSql(String table) {
    List<String> updates = new ArrayList<>();
    for (String column : COLUMNS) {
      if (column.equals("is_final")) {
        updates.add("is_final = EXCLUDED.is_final OR c.is_final");
      } else if (!column.equals("currency_pair") && !column.equals("open_time")) {
        updates.add(column + " = EXCLUDED." + column);
      }
    }
    return "INSERT INTO " + table + " AS c (" + String.join(", ", COLUMNS) + ", updated_at) "
        + "VALUES (" + "?, ".repeat(COLUMNS.size()) + "clock_timestamp()) "
        + "ON CONFLICT (currency_pair, open_time) DO UPDATE SET "
        + String.join(", ", updates) + ", updated_at = EXCLUDED.updated_at "
        // The guard: only a newer state of the row may replace it. Panes accumulate, so a newer
        // state has no fewer ticks and no less gap time, and more of one, or is newly final.
        + "WHERE EXCLUDED.tick_count >= c.tick_count AND EXCLUDED.gap_ms >= c.gap_ms "
        + "AND (EXCLUDED.tick_count > c.tick_count OR EXCLUDED.gap_ms > c.gap_ms "
        + "OR (EXCLUDED.is_final AND NOT c.is_final))";
  }

  /**
   * Writes the candles. The output has no elements; its watermark passes a time only once every
   * candle stamped before it has been written, which is what {@link TrackFinalProgress} follows.
   */
  @Override
  public PCollection<Void> expand(PCollection<Candle> candles) {
    return candles.apply("JdbcUpsert", JdbcIO.<Candle>write()
        .withDataSourceConfiguration(jdbc.dataSourceConfiguration())
        .withStatement(upsertSql(table))
        .withPreparedStatementSetter(UpsertCandles::bind)
        .withBatchSize(batchSize)
        // On a stream JdbcIO batches through GroupIntoBatches on one constant key: without
        // sharding every row goes through one writer, and a batch waits up to 200 ms to fill.
        // Sharded keys spread the writes over the workers (rows of one candle may then race,
        // which the guarded upsert absorbs), and a short wait bounds the delay: 20 ms took the
        // p99 tick-to-row latency on the Flink cluster at parallelism 2 from 548 ms to 302 ms,
        // and the default is now shorter still (DEFAULT_MAX_BATCH_WAIT).
        .withAutoSharding()
        .withMaxBatchBufferingDuration(maxBatchWait.getMillis())
        .withRetryStrategy(UpsertCandles::isTransient)
        .withRetryConfiguration(JdbcIO.RetryConfiguration.create(
            8, Duration.standardMinutes(2), Duration.millis(250)))
        .withResults());
  }

  /** Sets the parameters of {@link #upsertSql} for one candle. */
  public static void bind(Candle c, PreparedStatement ps) throws SQLException {
    Ohlc o = c.ohlc();
    ps.setString(1, c.pair());
    ps.setBigDecimal(2, Prices.midToDecimal(c.open()));
    ps.setBigDecimal(3, Prices.midToDecimal(c.high()));
    ps.setBigDecimal(4, Prices.midToDecimal(c.low()));
    ps.setBigDecimal(5, Prices.midToDecimal(c.close()));
    ps.setObject(6, utc(c.openTimeMillis()));
    ps.setObject(7, utc(c.closeTimeMillis()));
    ps.setLong(8, c.tickCount());
    ps.setObject(9, utc(c.lastEventTimeMillis()));
    ps.setBoolean(10, c.isFinal());
    ps.setObject(11, o.lastIngestTimeMillis() == Tick.NO_TIME ? null : utc(o.lastIngestTimeMillis()),
        Types.TIMESTAMP);
    int i = bindBar(ps, 12, o.bid());
    i = bindBar(ps, i, o.ask());
    ps.setBigDecimal(i++, Prices.priceToDecimal(o.spreadMin()));
    ps.setBigDecimal(i++, Prices.priceToDecimal(o.spreadMax()));
    ps.setBigDecimal(i++, o.spreadMean());
    ps.setObject(i++, o.spreadTimeWeightedMean(c.openTimeMillis()), Types.NUMERIC);
    ps.setLong(i++, o.gapMillis());
    ps.setInt(i, o.gapCount());
  }

  /** Sets a bid or ask bar (10^-8 units) from parameter {@code first}; the next free one is returned. */
  private static int bindBar(PreparedStatement ps, int first, Bar bar) throws SQLException {
    ps.setBigDecimal(first, Prices.priceToDecimal(bar.open()));
    ps.setBigDecimal(first + 1, Prices.priceToDecimal(bar.high()));
    ps.setBigDecimal(first + 2, Prices.priceToDecimal(bar.low()));
    ps.setBigDecimal(first + 3, Prices.priceToDecimal(bar.close()));
    return first + 4;
  }

  private static LocalDateTime utc(long millis) {
    return LocalDateTime.ofEpochSecond(
        Math.floorDiv(millis, 1000), (int) Math.floorMod(millis, 1000) * 1_000_000, ZoneOffset.UTC);
  }

  /**
   * Errors worth retrying: lost connections (08xxx), serialization failures and deadlocks,
   * resource exhaustion (53xxx) and a server shutting down or starting (57P0x).
   */
  static boolean isTransient(SQLException e) {
    String state = e.getSQLState();
    return state != null
        && (state.startsWith("08") || state.equals("40001") || state.equals("40P01")
            || state.startsWith("53") || state.startsWith("57P0"));
  }
}
