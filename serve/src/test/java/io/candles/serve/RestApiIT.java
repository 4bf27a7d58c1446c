package io.candles.serve;

import static io.candles.serve.TestDatabase.candle;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.candles.pipeline.Candle;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The REST API against a real PostgreSQL filled by the pipeline's own upsert: every kline equals
 * its table row field by field (read back independently with SQL), the aligned and the rolling
 * views select the right windows, limit and the time bounds behave as Binance's, and every bad
 * parameter gets Binance's status and code.
 */
public class RestApiIT {
  /** 2021-10-14T18:50:00Z: on a 5-minute boundary. */
  private static final long T0 = 1_634_237_400_000L;
  private static final long MINUTE = 60_000L;
  private static final String PAIR = "RESTAUSDT";
  private static final String OTHER = "RESTBBTC";
  private static final int WINDOWS = 30;
  private static CandleServer server;
  private static String base;

  @BeforeClass
  public static void fill() throws Exception {
    Random random = new Random(13);
    List<Candle> rows = new ArrayList<>();
    for (String pair : List.of(PAIR, OTHER)) {
      long mid = pair.equals(PAIR) ? 58_000_170_000_000L : 62_531_000L; // 58000.17 and 0.062531
      for (int i = 0; i < WINDOWS; i++) {
        long open = mid + random.nextInt(1_000_000_000) - 500_000_000L / (pair.equals(PAIR) ? 1 : 100_000);
        long close = open + random.nextInt(2_000_001) - 1_000_000;
        // An odd last digit now and then: a mid of two 8-decimal prices has 9 decimals.
        long high = Math.max(open, close) + random.nextInt(3_000_000) + 1;
        long low = Math.min(open, close) - random.nextInt(3_000_000) - 1;
        long ticks = 100 + random.nextInt(5000);
        boolean fin = i < WINDOWS - 5;
        rows.add(candle(pair, T0 + i * MINUTE, open, high, low, close, ticks, T0 + i * MINUTE + 299_123, fin));
      }
    }
    TestDatabase.upsert(rows);
    writeQuality();
    server = CandleServer.start(TestDatabase.settings());
    base = server.baseUrl();
  }

  @AfterClass
  public static void stop() {
    if (server != null) {
      server.close();
    }
  }

  /**
   * The quality columns (issue 16), with plain SQL; every fourth window is left as a row written
   * before the columns existed (nulls, no gaps).
   */
  private static void writeQuality() throws Exception {
    try (Connection c = TestDatabase.owner();
        PreparedStatement ps = c.prepareStatement("update candle_stick_five_min set " + QualityColumns.SET
            + " where currency_pair in (?, ?) and (extract(epoch from open_time)::bigint / 60) % 4 <> 3")) {
      ps.setString(1, PAIR);
      ps.setString(2, OTHER);
      long filled = LongStream.range(0, WINDOWS).filter(i -> (T0 / MINUTE + i) % 4 != 3).count();
      assertEquals("rows given quality", 2 * filled, ps.executeUpdate());
    }
    // The others as a row from before the columns: the pipeline's writer fills them now, so undo it.
    try (Connection c = TestDatabase.owner();
        PreparedStatement ps = c.prepareStatement("update candle_stick_five_min set last_ingest_time = null, "
            + "bid_open = null, bid_high = null, bid_low = null, bid_close = null, ask_open = null, ask_high = null, "
            + "ask_low = null, ask_close = null, spread_min = null, spread_max = null, spread_mean = null, spread_twa = null, "
            + "gap_ms = 0, gap_count = 0 "
            + "where currency_pair in (?, ?) and (extract(epoch from open_time)::bigint / 60) % 4 = 3")) {
      ps.setString(1, PAIR);
      ps.setString(2, OTHER);
      ps.executeUpdate();
    }
  }

  /** The table's rows of a pair, oldest first, read independently of the server. */
  private static List<Object[]> table(String pair) throws Exception {
    List<Object[]> out = new ArrayList<>();
    try (Connection c = TestDatabase.owner();
        PreparedStatement ps = c.prepareStatement("select open_time, open_price, high_price, low_price, close_price, "
            + "close_time, tick_count, is_final, last_event_time, " + QualityColumns.SELECT
            + " from candle_stick_five_min where currency_pair = ? order by open_time")) {
      ps.setString(1, pair);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Object[] {millis(rs.getObject(1, LocalDateTime.class)), rs.getBigDecimal(2), rs.getBigDecimal(3),
              rs.getBigDecimal(4), rs.getBigDecimal(5), millis(rs.getObject(6, LocalDateTime.class)), rs.getLong(7),
              rs.getBoolean(8), millis(rs.getObject(9, LocalDateTime.class)), QualityColumns.read(rs, 10)});
        }
      }
    }
    return out;
  }

  private static long millis(LocalDateTime t) {
    return t.toInstant(ZoneOffset.UTC).toEpochMilli();
  }

  /** Every field of a kline against its row. */
  private static void assertKline(JsonNode k, Object[] row, boolean extended) {
    assertEquals("fields", extended ? 13 : 12, k.size());
    assertEquals("open time", (long) (Long) row[0], k.get(0).asLong());
    for (int i = 1; i <= 4; i++) {
      String text = k.get(i).asText();
      assertTrue("price " + i + " is a string", k.get(i).isTextual());
      assertThat("price " + i + " has Binance's 8 decimals or more, no exponent", text, matchesPattern("\\d+\\.\\d{8,}"));
      assertEquals("price " + i + " exactly: " + text + " vs " + row[i], 0, new BigDecimal(text).compareTo((BigDecimal) row[i]));
    }
    assertEquals("volume", "0", k.get(5).asText());
    assertEquals("close time: the window's last millisecond", (long) (Long) row[5] - 1, k.get(6).asLong());
    assertEquals("quote volume", "0", k.get(7).asText());
    assertEquals("trades = tick_count", (long) (Long) row[6], k.get(8).asLong());
    assertTrue("trades is a number", k.get(8).isIntegralNumber());
    for (int i = 9; i <= 11; i++) {
      assertEquals("field " + i, "0", k.get(i).asText());
    }
    if (extended) {
      JsonNode x = k.get(12);
      assertEquals("isFinal", row[7], x.get("isFinal").asBoolean());
      assertEquals("lastEventTime", (long) (Long) row[8], x.get("lastEventTime").asLong());
      QualityColumns.assertFields(x, (Map<?, ?>) row[9]);
    }
  }

  private static JsonNode klines(String query) throws Exception {
    Http.Reply r = Http.get(base + "/api/v3/klines?" + query);
    assertEquals(r.body(), 200, r.status());
    assertThat(r.contentType(), containsString("application/json"));
    return r.json();
  }

  @Test
  public void interval5mGivesTheCandlesAlignedTo5MinuteBoundariesNewestLastEqualToTheTable() throws Exception {
    List<Object[]> aligned = table(PAIR).stream().filter(r -> (Long) r[0] % (5 * MINUTE) == 0).toList();
    assertEquals(6, aligned.size());
    JsonNode all = klines("symbol=" + PAIR + "&interval=5m&limit=12");
    assertEquals("12 asked, 6 aligned windows exist", 6, all.size());
    for (int i = 0; i < 6; i++) {
      assertKline(all.get(i), aligned.get(i), false);
    }
    JsonNode three = klines("symbol=" + PAIR + "&interval=5m&limit=3");
    assertEquals(3, three.size());
    for (int i = 0; i < 3; i++) {
      assertKline(three.get(i), aligned.get(3 + i), false);
    }
    // Binance's default limit (500) covers them all.
    assertEquals(6, klines("symbol=" + PAIR + "&interval=5m").size());
  }

  @Test
  public void step1mGivesTheRollingCandlesTheSeedsTwelveMostRecent() throws Exception {
    List<Object[]> rows = table(PAIR);
    JsonNode twelve = klines("symbol=" + PAIR + "&interval=5m&limit=12&step=1m");
    assertEquals(12, twelve.size());
    for (int i = 0; i < 12; i++) {
      assertKline(twelve.get(i), rows.get(WINDOWS - 12 + i), false);
    }
    JsonNode extended = klines("symbol=" + PAIR + "&interval=5m&limit=12&step=1m&extended=true");
    for (int i = 0; i < 12; i++) {
      assertKline(extended.get(i), rows.get(WINDOWS - 12 + i), true);
    }
    // Those twelve have windows with a gap, filled ones without, and unfilled ones.
    List<Map<?, ?>> quality = rows.subList(WINDOWS - 12, WINDOWS).stream().<Map<?, ?>>map(r -> (Map<?, ?>) r[9]).toList();
    assertTrue("a gap", quality.stream().anyMatch(q -> (Long) q.get("gapMs") > 0));
    assertTrue("filled, no gap", quality.stream().anyMatch(q -> q.get("spreadMean") != null && (Long) q.get("gapMs") == 0));
    assertTrue("unfilled", quality.stream().anyMatch(q -> q.get("spreadMean") == null));
    // The other pair, with prices below 1 and many decimals, is its own.
    List<Object[]> other = table(OTHER);
    JsonNode o = klines("symbol=" + OTHER + "&interval=5m&step=1m&limit=1000");
    assertEquals(WINDOWS, o.size());
    for (int i = 0; i < WINDOWS; i++) {
      assertKline(o.get(i), other.get(i), false);
    }
    JsonNode oe = klines("symbol=" + OTHER + "&interval=5m&step=1m&limit=1000&extended=true");
    for (int i = 0; i < WINDOWS; i++) {
      assertKline(oe.get(i), other.get(i), true);
    }
  }

  @Test
  public void startTimeAndEndTimeBoundTheOpenTimeAsBinanceDoes() throws Exception {
    List<Object[]> rows = table(PAIR);
    // startTime: the oldest from there on.
    JsonNode from = klines("symbol=" + PAIR + "&interval=5m&step=1m&limit=5&startTime=" + (T0 + 3 * MINUTE));
    assertEquals(5, from.size());
    for (int i = 0; i < 5; i++) {
      assertKline(from.get(i), rows.get(3 + i), false);
    }
    // endTime alone: the newest up to it, inclusive.
    JsonNode to = klines("symbol=" + PAIR + "&interval=5m&step=1m&limit=3&endTime=" + (T0 + 10 * MINUTE));
    assertEquals(3, to.size());
    for (int i = 0; i < 3; i++) {
      assertKline(to.get(i), rows.get(8 + i), false);
    }
    // Both, between a window's start and the next: open times within the range.
    JsonNode between = klines("symbol=" + PAIR + "&interval=5m&startTime=" + (T0 + 1) + "&endTime=" + (T0 + 20 * MINUTE));
    assertEquals("aligned windows 18:55, 19:00, 19:05, 19:10", 4, between.size());
    assertEquals(T0 + 5 * MINUTE, between.get(0).get(0).asLong());
    assertEquals(T0 + 20 * MINUTE, between.get(3).get(0).asLong());
    // Nothing in range: an empty list, not an error.
    assertEquals(0, klines("symbol=" + PAIR + "&interval=5m&startTime=" + (T0 + 100 * MINUTE)).size());
  }

  private static void assertError(String query, int status, int code, String msgPart) throws Exception {
    Http.Reply r = Http.get(base + "/api/v3/klines" + query);
    assertEquals(query + ": " + r.body(), status, r.status());
    JsonNode e = r.json();
    assertEquals(query + ": " + r.body(), code, e.get("code").asInt());
    assertThat(query, e.get("msg").asText(), containsString(msgPart));
    assertEquals("only code and msg", 2, e.size());
  }

  @Test
  public void everyBadParameterGetsBinancesStatusAndCode() throws Exception {
    String ok = "symbol=" + PAIR + "&interval=5m";
    assertError("?interval=5m", 400, -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
    assertError("?symbol=&interval=5m", 400, -1102, "'symbol'");
    assertError("?symbol=" + PAIR, 400, -1102, "Mandatory parameter 'interval'");
    assertError("?symbol=btcusdt&interval=5m", 400, -1100,
        "Illegal characters found in parameter 'symbol'; legal range is '^[A-Z0-9-_.]{1,20}$'.");
    assertError("?symbol=NOSUCHUSDT&interval=5m", 400, -1121, "Invalid symbol.");
    Http.Reply unknown = Http.get(base + "/api/v3/klines?symbol=NOSUCHUSDT&interval=5m");
    assertEquals("Binance's exact body", "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}", unknown.body());
    assertError("?symbol=" + PAIR + "&interval=7m", 400, -1120, "Invalid interval.");
    assertError("?symbol=" + PAIR + "&interval=1h", 400, -1120, "5-minute candles only");
    assertError("?" + ok + "&limit=1001", 400, -1130, "Data sent for parameter 'limit' is not valid.");
    assertError("?" + ok + "&limit=0", 400, -1130, "'limit'");
    assertError("?" + ok + "&limit=ten", 400, -1100, "parameter 'limit'");
    assertError("?" + ok + "&limit=", 400, -1105, "Parameter 'limit' was empty.");
    assertError("?" + ok + "&startTime=yesterday", 400, -1100, "parameter 'startTime'");
    assertError("?" + ok + "&endTime=-5", 400, -1100, "parameter 'endTime'");
    assertError("?" + ok + "&startTime=2000&endTime=1000", 400, -1128, "startTime 2000 is after endTime 1000");
    assertError("?" + ok + "&step=2m", 400, -1130, "parameter 'step'");
    assertError("?" + ok + "&timeZone=8", 400, -1130, "UTC only");
    assertError("?" + ok + "&depth=5", 400, -1104, "'depth'");
    assertError("?" + ok + "&symbol=" + OTHER, 400, -1101, "Duplicate values");
    Http.Reply post = Http.post(base + "/api/v3/klines?" + ok);
    assertEquals(405, post.status());
    Http.Reply nowhere = Http.get(base + "/api/v3/depth?symbol=" + PAIR);
    assertEquals(404, nowhere.status());
    assertThat(nowhere.body(), containsString("/api/v3/klines"));
  }

  @Test
  public void pingTimeAndExchangeInfo() throws Exception {
    Http.Reply ping = Http.get(base + "/api/v3/ping");
    assertEquals(200, ping.status());
    assertEquals("{}", ping.body());
    long before = System.currentTimeMillis();
    long serverTime = Http.get(base + "/api/v3/time").json().get("serverTime").asLong();
    assertTrue(serverTime >= before - 1000 && serverTime <= System.currentTimeMillis() + 1000);

    JsonNode info = Http.get(base + "/api/v3/exchangeInfo").json();
    assertEquals("UTC", info.get("timezone").asText());
    List<String> listed = new ArrayList<>();
    info.get("symbols").forEach(s -> listed.add(s.get("symbol").asText()));
    List<String> inTable = new ArrayList<>();
    try (Connection c = TestDatabase.owner();
        ResultSet rs = c.createStatement().executeQuery(
            "select distinct currency_pair from candle_stick_five_min order by 1")) {
      while (rs.next()) {
        inTable.add(rs.getString(1));
      }
    }
    assertEquals("the pairs present, in order", inTable, listed);
    assertThat(listed, hasItems(PAIR, OTHER));
    JsonNode one = Http.get(base + "/api/v3/exchangeInfo?symbol=" + OTHER).json().get("symbols");
    assertEquals(1, one.size());
    assertEquals("RESTB", one.get(0).get("baseAsset").asText());
    assertEquals("BTC", one.get(0).get("quoteAsset").asText());
    assertEquals(-1121, Http.get(base + "/api/v3/exchangeInfo?symbol=NOSUCHUSDT").json().get("code").asInt());
  }

  @Test
  public void aTokenWhenSetIsNeededAsBinancesApiKeyHeaderABearerOrAQueryParameter() throws Exception {
    try (CandleServer guarded = CandleServer.start(TestDatabase.settings().withToken("s3cret"))) {
      String url = guarded.baseUrl() + "/api/v3/klines?symbol=" + PAIR + "&interval=5m&limit=1";
      Http.Reply none = Http.get(url);
      assertEquals(401, none.status());
      assertEquals(-2015, none.json().get("code").asInt());
      assertEquals(401, Http.get(url, "X-MBX-APIKEY", "wrong").status());
      assertEquals(200, Http.get(url, "X-MBX-APIKEY", "s3cret").status());
      assertEquals(200, Http.get(url, "Authorization", "Bearer s3cret").status());
      assertEquals(200, Http.get(url + "&token=s3cret").status());
      // The page itself is public; it passes its own ?token= on to the API.
      assertEquals(200, Http.get(guarded.baseUrl() + "/").status());
    }
  }

  @Test
  public void thePageAndTheChartLibraryAreServedFromTheJar() throws Exception {
    Http.Reply page = Http.get(base + "/");
    assertEquals(200, page.status());
    assertThat(page.body(), containsString("vendor/lightweight-charts.standalone.production.js"));
    Http.Reply lib = Http.get(base + "/vendor/lightweight-charts.standalone.production.js");
    assertEquals(200, lib.status());
    assertThat(lib.body(), containsString("LightweightCharts"));
    assertEquals(404, Http.get(base + "/nothing-here").status());
  }
}
