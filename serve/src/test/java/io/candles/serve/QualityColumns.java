package io.candles.serve;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The candle quality columns (issue 16) for the tests, independently of the server's KlineExtras:
 * written with plain SQL (values the pipeline would not make: odd decimals, gaps), read back with
 * plain SQL, and compared with a kline's fields by the keys the README lists.
 */
final class QualityColumns {
  /** The numeric columns and their keys. */
  private static final String[][] DECIMALS = {{"bid_open", "bidOpen"}, {"bid_high", "bidHigh"},
      {"bid_low", "bidLow"}, {"bid_close", "bidClose"}, {"ask_open", "askOpen"}, {"ask_high", "askHigh"},
      {"ask_low", "askLow"}, {"ask_close", "askClose"}, {"spread_min", "spreadMin"}, {"spread_max", "spreadMax"},
      {"spread_mean", "spreadMean"}, {"spread_twa", "spreadTwa"}};

  /** The columns {@link #read} reads, in its order. */
  static final String SELECT = "last_ingest_time, gap_ms, gap_count, "
      + String.join(", ", Arrays.stream(DECIMALS).map(d -> d[0]).toList());

  /**
   * An UPDATE's SET list giving a row quality values from its own prices: bid and ask around the
   * mid with several decimals, and a spread mean that does not end (numeric division).
   */
  static final String SET_PRICES = "last_ingest_time = last_event_time + (tick_count % 97 + 1) * interval '1 millisecond', "
      + "bid_open = open_price - 0.000000015, bid_high = high_price - 0.00000001, "
      + "bid_low = low_price - 0.000000025, bid_close = close_price - 0.00000002, "
      + "ask_open = open_price + 0.000000015, ask_high = high_price + 0.00000003, "
      + "ask_low = low_price + 0.000000025, ask_close = close_price + 0.00000002, "
      + "spread_min = 0.00000003, spread_max = 0.00000006 + (tick_count % 5) * 0.00000001, "
      + "spread_mean = (0.00000013 + (tick_count % 5) * 0.00000001) / 3, "
      + "spread_twa = (0.00000011 + (tick_count % 7) * 0.00000001) / 7";

  /** {@link #SET_PRICES}, and a gap in the windows whose minute is a multiple of 3. */
  static final String SET = SET_PRICES + ", "
      + "gap_ms = case when (extract(epoch from open_time)::bigint / 60) % 3 = 0 then tick_count * 7 else 0 end, "
      + "gap_count = case when (extract(epoch from open_time)::bigint / 60) % 3 = 0 then 1 + tick_count % 3 else 0 end";

  private QualityColumns() {}

  /** The columns of {@link #SELECT} from {@code rs}, starting at column {@code first}, by key. */
  static Map<String, Object> read(ResultSet rs, int first) throws SQLException {
    Map<String, Object> q = new HashMap<>();
    LocalDateTime ingest = rs.getObject(first, LocalDateTime.class);
    q.put("lastIngestTime", ingest == null ? null : ingest.toInstant(ZoneOffset.UTC).toEpochMilli());
    q.put("gapMs", rs.getLong(first + 1));
    q.put("gapCount", rs.getLong(first + 2));
    for (int d = 0; d < DECIMALS.length; d++) {
      q.put(DECIMALS[d][1], rs.getBigDecimal(first + 3 + d));
    }
    return q;
  }

  /** The quality fields of a kline (REST's 13th element, a WebSocket event's k) against a row's columns. */
  static void assertFields(JsonNode x, Map<?, ?> quality) {
    Long ingest = (Long) quality.get("lastIngestTime");
    if (ingest == null) {
      assertTrue("lastIngestTime null: " + x, x.get("lastIngestTime").isNull());
    } else {
      assertEquals("lastIngestTime", (long) ingest, x.get("lastIngestTime").asLong());
    }
    for (String key : List.of("gapMs", "gapCount")) {
      assertTrue(key + " is a number: " + x, x.get(key).isIntegralNumber());
      assertEquals(key, (long) (Long) quality.get(key), x.get(key).asLong());
    }
    for (String[] d : DECIMALS) {
      BigDecimal expected = (BigDecimal) quality.get(d[1]);
      JsonNode v = x.get(d[1]);
      if (expected == null) {
        assertTrue(d[1] + " null: " + x, v.isNull());
        continue;
      }
      assertTrue(d[1] + " is a string: " + v, v.isTextual());
      assertThat(d[1] + " has 8 decimals or more, no exponent", v.asText(), matchesPattern("\\d+\\.\\d{8,}"));
      assertEquals(d[1] + " exactly: " + v + " vs " + expected, 0, new BigDecimal(v.asText()).compareTo(expected));
    }
  }
}
