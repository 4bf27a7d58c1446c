package io.candles.pipeline;

import static org.junit.Assert.assertEquals;

import io.candles.testkit.Database;
import io.candles.testkit.Services;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Test;

/**
 * {@link TrackFinalProgress} behind a real {@link UpsertCandles}: once the final candles of windows
 * ending by T are written, candle_progress says the table is final through T; candles not yet
 * final do not move it.
 */
public class TrackFinalProgressIT {

  private static final String TABLE = "candles_progress_it";
  private static final long T = Instant.parse("2021-10-14T18:54:00Z").getMillis();
  private static final long MINUTE = 60_000;

  private static Candle candle(String pair, long open, long count, boolean isFinal) {
    return TestCandles.ofMids(pair, open, open + 5 * MINUTE, 1_000_000_000L, 3_000_000_000L, 500_000_000L,
        2_000_000_000L, count, open + 1000, isFinal);
  }

  @Test
  public void theTableIsFinalThroughTheNewestWindowWhoseFinalCandlesAreWritten() throws SQLException {
    JdbcSettings jdbc = jdbc();
    try (Connection c = jdbc.connect(10)) {
      CandleSchema.apply(c, TABLE, Duration.standardMinutes(5), Duration.standardMinutes(1));
    }
    TestStream<Candle> candles = TestStream.create(Candle.Coder.of())
        .addElements(
            org.apache.beam.sdk.values.TimestampedValue.of(candle("BTCUSDT", T, 10, true), new Instant(T + 5 * MINUTE - 1)),
            org.apache.beam.sdk.values.TimestampedValue.of(candle("ETHUSDT", T, 7, true), new Instant(T + 5 * MINUTE - 1)))
        .advanceWatermarkTo(new Instant(T + 6 * MINUTE))
        .addElements(
            org.apache.beam.sdk.values.TimestampedValue.of(candle("BTCUSDT", T + MINUTE, 12, true), new Instant(T + 6 * MINUTE - 1)),
            org.apache.beam.sdk.values.TimestampedValue.of(candle("BTCUSDT", T + 2 * MINUTE, 3, false), new Instant(T + 7 * MINUTE - 1)))
        .advanceWatermarkTo(new Instant(T + 6 * MINUTE + 30_000))
        .advanceWatermarkToInfinity();
    Pipeline p = Pipeline.create(TestPipeline.testingPipelineOptions());
    p.apply(candles)
        .apply(Window.into(FixedWindows.of(Duration.standardMinutes(1))))
        .apply(new WriteCandles(jdbc, TABLE, CandleWindowing.DEFAULT, 100, Duration.millis(5), ResumePoint.NONE));
    p.run().waitUntilFinish();
    try (Connection c = jdbc.connect(10)) {
      assertEquals(Optional.of(T + 6 * MINUTE), CandleSchema.finalThrough(c, TABLE));
    }
  }

  private static JdbcSettings jdbc() {
    Database db = Services.database();
    return new JdbcSettings(db.url(), db.user(), db.password());
  }
}
