package io.candles.pipeline;

import io.candles.contract.Durations;
import org.joda.time.Duration;

/**
 * The candle pipeline's options, parsed and checked once: every duration is read here, by the
 * project's one parser ({@link Durations}), and the pipeline and its launcher use these values.
 */
public record CandleSettings(
    CandleWindowing windowing,
    String table,
    JdbcSettings jdbc,
    Duration maxOutOfOrderness,
    Duration idleTimeout,
    Duration maxClockSkew,
    int jdbcBatchSize,
    Duration jdbcMaxBatchWait,
    ReadTicks.DeletedTicks deletedTicks) {

  /**
   * @throws IllegalArgumentException with one line naming the option, for the first option that
   *     does not hold
   */
  public static CandleSettings of(CandleOptions o) {
    CandleWindowing windowing = new CandleWindowing(
        duration("windowSize", o.getWindowSize()),
        duration("windowPeriod", o.getWindowPeriod()),
        duration("earlyFiringDelay", o.getEarlyFiringDelay()),
        duration("allowedLateness", o.getAllowedLateness()),
        duration("partialCandleInterval", o.getPartialCandleInterval()));
    Duration maxOutOfOrderness = duration("maxOutOfOrderness", o.getMaxOutOfOrderness());
    Duration idleTimeout = duration("idleTimeout", o.getIdleTimeout());
    // The table named by --table, or the one named after the windows (see CandleSchema).
    String table = o.getTable() != null && !o.getTable().isBlank() ? o.getTable()
        : CandleSchema.defaultTable(windowing.size(), windowing.period());
    UpsertCandles.checkTableName(table);
    Duration maxClockSkew = duration("maxClockSkew", o.getMaxClockSkew());
    if (maxClockSkew.getMillis() < 0) {
      throw new IllegalArgumentException("--maxClockSkew must not be negative");
    }
    ResumePoint.checkOption(o.getStartFrom());
    if (o.getJdbcBatchSize() == null || o.getJdbcBatchSize() < 1) {
      throw new IllegalArgumentException("--jdbcBatchSize must be at least 1");
    }
    Duration jdbcMaxBatchWait = duration("jdbcMaxBatchWait", o.getJdbcMaxBatchWait());
    if (jdbcMaxBatchWait.getMillis() < 1) {
      throw new IllegalArgumentException("--jdbcMaxBatchWait must be at least 1ms");
    }
    return new CandleSettings(windowing, table, new JdbcSettings(o.getJdbcUrl(), o.getJdbcUser(), o.getJdbcPassword()),
        maxOutOfOrderness, idleTimeout, maxClockSkew, o.getJdbcBatchSize(), jdbcMaxBatchWait,
        ReadTicks.DeletedTicks.parse(o.getDeletedTicks()));
  }

  private static Duration duration(String option, String value) {
    return Duration.millis(Durations.parse(option, value).toMillis());
  }
}
