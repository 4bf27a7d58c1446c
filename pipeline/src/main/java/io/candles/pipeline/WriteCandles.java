package io.candles.pipeline;

import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.joda.time.Duration;

/**
 * The candle sink: skips the windows a restart found already final ({@link ResumePoint}), upserts
 * the rest ({@link UpsertCandles}), and records how far the table is final and written
 * ({@link TrackFinalProgress}) for the next restart.
 */
public final class WriteCandles extends PTransform<PCollection<Candle>, PDone> {
  private static final long serialVersionUID = 1L;


  private final JdbcSettings jdbc;
  private final String table;
  private final CandleWindowing windowing;
  private final int batchSize;
  private final Duration maxBatchWait;
  private final long finalThrough;

  /**
   * @param finalThrough windows ending at or before this are final in the table already and stay
   *     untouched; {@link ResumePoint#NONE} for none
   */
  public WriteCandles(JdbcSettings jdbc, String table, CandleWindowing windowing, int batchSize,
      Duration maxBatchWait, long finalThrough) {
    super("WriteCandles");
    this.jdbc = jdbc;
    this.table = table;
    this.windowing = windowing;
    this.batchSize = batchSize;
    this.maxBatchWait = maxBatchWait;
    this.finalThrough = finalThrough;
  }

  @Override
  public PDone expand(PCollection<Candle> candles) {
    PCollection<Candle> toWrite = candles;
    if (finalThrough != ResumePoint.NONE) {
      // A restart recomputes the windows that straddle its start from part of their ticks: the
      // table's complete rows for them must not be touched.
      long bound = finalThrough;
      toWrite = candles.apply("SkipWindowsFinalAtStart", Filter.by(c -> c.closeTimeMillis() > bound));
    }
    PCollection<Void> written = toWrite.apply(new UpsertCandles(jdbc, table, batchSize, maxBatchWait));
    toWrite.apply(new TrackFinalProgress(jdbc, table, windowing, written));
    return PDone.in(candles.getPipeline());
  }
}
