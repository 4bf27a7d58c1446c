package io.candles.pipeline;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;

import io.candles.testkit.Database;
import io.candles.testkit.Services;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.joda.time.Duration;
import org.junit.BeforeClass;
import org.junit.Test;

/** The candle upsert against a real PostgreSQL, written by the real JdbcIO sink. */
public class UpsertCandlesIT {

  private static final String TABLE = "candles_upsert_it";
  private static final long T = 1_634_237_640_000L; // 2021-10-14T18:54:00Z, a whole minute
  private static final long FIVE_MIN = 300_000L;

  @BeforeClass
  public static void createTable() throws SQLException {
    try (Connection c = jdbc().connect(10)) {
      CandleSchema.apply(c, TABLE, Duration.standardMinutes(5), Duration.standardMinutes(1));
      // Applying it twice changes nothing: the schema is idempotent.
      CandleSchema.apply(c, TABLE, Duration.standardMinutes(5), Duration.standardMinutes(1));
    }
  }

  private static Candle candle(String pair, long count, long close, boolean isFinal) {
    return TestCandles.ofMids(pair, T, T + FIVE_MIN, 1_000_000_000L, 3_000_000_000L, 500_000_000L, close,
        count, T + 1000 * count + 123, isFinal);
  }

  private static void write(Candle... candles) {
    Pipeline p = Pipeline.create(TestPipeline.testingPipelineOptions());
    p.apply(Create.of(List.of(candles)).withCoder(Candle.Coder.of()))
        .apply(new UpsertCandles(jdbc(), TABLE, 100));
    p.run().waitUntilFinish();
  }

  /** Every column of the pair's row, as text, updated_at and id included. */
  private static List<String> row(String pair) throws SQLException {
    try (Connection c = jdbc().connect(10);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select id, currency_pair, open_price, high_price, low_price, "
            + "close_price, open_time, close_time, tick_count, is_final, updated_at, last_event_time from "
            + TABLE
            + " where currency_pair = '" + pair + "'")) {
      List<String> out = new ArrayList<>();
      int rows = 0;
      while (rs.next()) {
        rows++;
        for (int i = 1; i <= 12; i++) {
          out.add(rs.getString(i));
        }
      }
      assertEquals("rows for " + pair, 1, rows);
      return out;
    }
  }

  @Test
  public void writesEveryColumnOfTheContract() throws SQLException {
    write(candle("AAAUSDT", 4, 2_500_000_001L, false));
    List<String> r = row("AAAUSDT");
    assertEquals("AAAUSDT", r.get(1));
    assertEquals("1", r.get(2));
    assertEquals("3", r.get(3));
    assertEquals("0.5", r.get(4));
    assertEquals("2.500000001", r.get(5));
    assertEquals("2021-10-14 18:54:00", r.get(6));
    assertEquals("2021-10-14 18:59:00", r.get(7));
    assertEquals("4", r.get(8));
    assertEquals("f", r.get(9));
    assertEquals("2021-10-14 18:54:04.123", r.get(11));
  }

  @Test
  public void replayingTheSamePanesChangesNothing() throws SQLException {
    Candle early = candle("BBBUSDT", 3, 2_000_000_000L, false);
    Candle onTime = candle("BBBUSDT", 5, 2_100_000_000L, true);
    write(early);
    write(onTime);
    List<String> before = row("BBBUSDT");
    write(early);
    write(onTime);
    write(early, onTime);
    assertEquals("not even updated_at may change", before, row("BBBUSDT"));
  }

  @Test
  public void anOlderPaneArrivingAfterANewerOneNeverOverwritesIt() throws SQLException {
    write(candle("CCCUSDT", 10, 2_200_000_000L, false));
    List<String> newer = row("CCCUSDT");
    write(candle("CCCUSDT", 7, 1_900_000_000L, false));
    assertEquals(newer, row("CCCUSDT"));
  }

  @Test
  public void theFinalPaneWithTheSameTicksMarksTheRowFinalAndItStaysFinal() throws SQLException {
    write(candle("DDDUSDT", 6, 2_000_000_000L, false));
    List<String> early = row("DDDUSDT");
    write(candle("DDDUSDT", 6, 2_000_000_000L, true));
    List<String> fin = row("DDDUSDT");
    assertEquals("t", fin.get(9));
    assertNotEquals(early.get(10), fin.get(10));
    // A late pane with more ticks updates it and keeps it final.
    write(candle("DDDUSDT", 7, 2_300_000_000L, true));
    List<String> late = row("DDDUSDT");
    assertEquals("7", late.get(8));
    assertEquals("2.3", late.get(5));
    assertEquals("t", late.get(9));
  }

  /** A candle with every quality field set: bid 1.5/2/1/1.9, ask 1.6/2.2/1.05/2.0, a 40 s gap. */
  private static Candle qualityCandle(String pair, long count, long gapMillis, int gapCount) {
    Ohlc o = new Ohlc(new Bar(1_550_000_000L, 2_100_000_000L, 1_025_000_000L, 1_950_000_000L),
        new Bar(150_000_000L, 200_000_000L, 100_000_000L, 190_000_000L),
        new Bar(160_000_000L, 220_000_000L, 105_000_000L, 200_000_000L),
        1_000_000L, 20_000_000L, 30_000_000L, count, T + 4_000, T + 4_250, gapMillis, gapCount);
    return new Candle(pair, T, T + FIVE_MIN, o, false);
  }

  private static List<String> qualityRow(String pair) throws SQLException {
    try (Connection c = jdbc().connect(10);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select bid_open, bid_high, bid_low, bid_close, ask_open, ask_high, "
            + "ask_low, ask_close, spread_min, spread_max, spread_mean, last_ingest_time, gap_ms, gap_count, "
            + "tick_count from " + TABLE + " where currency_pair = '" + pair + "'")) {
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        for (int i = 1; i <= 15; i++) {
          out.add(rs.getString(i));
        }
      }
      return out;
    }
  }

  @Test
  public void writesTheQualityColumnsExactly() throws SQLException {
    write(qualityCandle("QQQUSDT", 3, 40_000, 1));
    assertEquals(List.of("1.5", "2", "1", "1.9", "1.6", "2.2", "1.05", "2",
        // min and max spread; the mean is 0.3 over 3 ticks.
        "0.01", "0.2", "0.1", "2021-10-14 18:54:04.25", "40000", "1", "3"), qualityRow("QQQUSDT"));
  }

  @Test
  public void aPaneWithMoreGapTimeUpdatesTheRowAndOneWithLessNeverDoes() throws SQLException {
    write(qualityCandle("GGGUSDT", 3, 0, 0));
    // The same ticks, and a gap the ingester marked after them: a newer state of the row.
    write(qualityCandle("GGGUSDT", 3, 40_000, 1));
    assertEquals("40000", qualityRow("GGGUSDT").get(12));
    // An older pane (less gap) arriving late, even with the same ticks, changes nothing.
    write(qualityCandle("GGGUSDT", 3, 10_000, 1));
    assertEquals("40000", qualityRow("GGGUSDT").get(12));
    // Nor does a pane with more ticks but less gap: no state of an accumulating pane is like that.
    write(qualityCandle("GGGUSDT", 4, 10_000, 1));
    assertEquals(List.of("40000", "1", "3"), qualityRow("GGGUSDT").subList(12, 15));
  }

  private static JdbcSettings jdbc() {
    Database db = Services.database();
    return new JdbcSettings(db.url(), db.user(), db.password());
  }
}
