package io.candles.serve;

import static io.candles.serve.TestDatabase.candle;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.candles.pipeline.Candle;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The push, end to end on a real PostgreSQL: the pipeline's upsert fires the trigger, the server
 * LISTENs, and a real WebSocket client receives Binance's kline events, equal to the rows. Final
 * flags arrive; a database connection killed (and kept out for a while) loses no final candle; a
 * burst arrives newest-state-last; a slow client gets the newest state of each candle and never
 * holds up a fast one; a client past a limit is closed with the reason.
 */
public class PushIT {
  /** 2021-10-14T18:50:00Z: on a 5-minute boundary. */
  private static final long T0 = 1_634_237_400_000L;
  private static final long MINUTE = 60_000L;
  private static CandleServer server;
  private static String ws;

  @BeforeClass
  public static void start() throws Exception {
    server = CandleServer.start(TestDatabase.settings());
    ws = server.baseUrl().replace("http://", "ws://");
  }

  @AfterClass
  public static void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** A row as the table has it, read independently. */
  private static Map<String, Object> row(String pair, long openTime) throws Exception {
    try (Connection c = TestDatabase.owner();
        PreparedStatement ps = c.prepareStatement("select open_price, high_price, low_price, close_price, close_time, "
            + "tick_count, is_final, last_event_time, updated_at, " + QualityColumns.SELECT + " from candle_stick_five_min "
            + "where currency_pair = ? and open_time = ?")) {
      ps.setString(1, pair);
      ps.setObject(2, TestDatabase.utc(openTime));
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue("row " + pair + " " + openTime, rs.next());
        Map<String, Object> r = new HashMap<>();
        r.put("o", rs.getBigDecimal(1));
        r.put("h", rs.getBigDecimal(2));
        r.put("l", rs.getBigDecimal(3));
        r.put("c", rs.getBigDecimal(4));
        r.put("T", rs.getObject(5, LocalDateTime.class).toInstant(ZoneOffset.UTC).toEpochMilli() - 1);
        r.put("n", rs.getLong(6));
        r.put("x", rs.getBoolean(7));
        r.put("lastEventTime", rs.getObject(8, LocalDateTime.class).toInstant(ZoneOffset.UTC).toEpochMilli());
        r.put("E", rs.getObject(9, java.time.OffsetDateTime.class).toInstant().toEpochMilli());
        r.put("quality", QualityColumns.read(rs, 10));
        return r;
      }
    }
  }

  /** A kline event against its row, every field. */
  private static void assertEvent(JsonNode e, String pair, long openTime) throws Exception {
    Map<String, Object> r = row(pair, openTime);
    assertEquals("kline", e.get("e").asText());
    assertEquals(pair, e.get("s").asText());
    assertEquals("E: when the row was written", (long) (Long) r.get("E"), e.get("E").asLong());
    JsonNode k = e.get("k");
    assertEquals(openTime, k.get("t").asLong());
    assertEquals((long) (Long) r.get("T"), k.get("T").asLong());
    assertEquals(pair, k.get("s").asText());
    assertEquals("5m", k.get("i").asText());
    for (String f : List.of("o", "h", "l", "c")) {
      assertTrue(f + " is a string", k.get(f).isTextual());
      assertEquals(f + ": " + k.get(f), 0, new BigDecimal(k.get(f).asText()).compareTo((BigDecimal) r.get(f)));
    }
    assertEquals((long) (Long) r.get("n"), k.get("n").asLong());
    assertEquals(r.get("x"), k.get("x").asBoolean());
    assertEquals((long) (Long) r.get("lastEventTime"), k.get("lastEventTime").asLong());
    for (String f : List.of("v", "q", "V", "Q", "B")) {
      assertEquals(f, "0", k.get(f).asText());
    }
    assertEquals(-1, k.get("f").asLong());
    assertEquals(-1, k.get("L").asLong());
    QualityColumns.assertFields(k, (Map<?, ?>) r.get("quality"));
    // A Binance client reads k's fields by name: Binance's come first, all of them, as Binance has them.
    List<String> names = new ArrayList<>();
    k.fieldNames().forEachRemaining(names::add);
    assertEquals(BINANCE_K, names.subList(0, BINANCE_K.size()));
  }

  /** The fields of Binance's kline event's k object, in Binance's order. */
  private static final List<String> BINANCE_K =
      List.of("t", "T", "s", "i", "f", "L", "o", "c", "h", "l", "v", "n", "x", "q", "V", "Q", "B");

  private static Candle state(String pair, long openTime, long ticks, boolean fin) {
    long open = 58_000_000_000_000L;
    long close = open + ticks * 1_000_000L + 5; // 9 decimals: a mid of two 8-decimal prices
    return candle(pair, openTime, open, close + 7_000_000L, open - 3_000_000L, close, ticks, openTime + ticks * 10, fin);
  }

  @Test
  public void anUpsertReachesAConnectedClientAsBinancesKlineEventAndSoDoesTheFinalFlag() throws Exception {
    String pair = "PUSHAUSDT";
    try (WsClient c = WsClient.connect(ws + "/ws/pushausdt@kline_5m")) {
      TestDatabase.upsert(state(pair, T0, 10, false));
      JsonNode first = c.next(10_000);
      assertEvent(first, pair, T0);
      assertFalse(first.get("k").get("x").asBoolean());
      // More ticks, then the on-time pane with the same ticks: the final flag arrives.
      TestDatabase.upsert(state(pair, T0, 12, false));
      assertEquals(12, c.next(10_000).get("k").get("n").asInt());
      TestDatabase.upsert(state(pair, T0, 12, true));
      JsonNode fin = c.next(10_000);
      assertTrue("x = is_final", fin.get("k").get("x").asBoolean());
      assertEvent(fin, pair, T0);
      // A replay of an older state changes no row, so nothing is sent.
      TestDatabase.upsert(state(pair, T0, 11, false));
      // A window off the 5-minute boundary is not on the aligned stream.
      TestDatabase.upsert(state(pair, T0 + MINUTE, 3, false));
      TestDatabase.upsert(state(pair, T0 + 5 * MINUTE, 1, false));
      JsonNode next = c.next(10_000);
      assertEquals("the next aligned window, nothing in between", T0 + 5 * MINUTE, next.get("k").get("t").asLong());
      assertNull(c.messages.poll(300, TimeUnit.MILLISECONDS));
    }
  }

  @Test
  public void theQualityColumnsArriveExactlyWhenARowGetsThem() throws Exception {
    String pair = "PUSHQUSDT";
    try (WsClient c = WsClient.connect(ws + "/ws/pushqusdt@kline_5m")) {
      TestDatabase.upsert(state(pair, T0, 10, false));
      JsonNode before = c.next(10_000);
      assertEvent(before, pair, T0);
      // As the pipeline's upsert wrote it: bid and ask at the mid, so no spread, and no gap.
      assertEquals(0, new java.math.BigDecimal(before.get("k").get("spreadMean").asText()).signum());
      assertEquals(0, before.get("k").get("gapMs").asLong());
      // Then new quality values with plain SQL, with a new updated_at as every pipeline write has
      // (same ticks, same final flag: the later write wins).
      try (Connection owner = TestDatabase.owner();
          PreparedStatement ps = owner.prepareStatement("update candle_stick_five_min set " + QualityColumns.SET_PRICES
              + ", gap_ms = 12345, gap_count = 2, updated_at = clock_timestamp() "
              + "where currency_pair = ? and open_time = ?")) {
        ps.setString(1, pair);
        ps.setObject(2, TestDatabase.utc(T0));
        assertEquals(1, ps.executeUpdate());
      }
      JsonNode after = c.next(10_000);
      assertEvent(after, pair, T0);
      JsonNode k = after.get("k");
      assertEquals(12345, k.get("gapMs").asLong());
      assertEquals(2, k.get("gapCount").asLong());
      assertThat("a mean that does not end, not rounded to 8 decimals", k.get("spreadMean").asText().length(),
          greaterThan("0.00000004".length()));
      // Binance's fields are those of the same row before it had them.
      for (String f : BINANCE_K) {
        assertEquals(f, before.get("k").get(f), k.get(f));
      }
    }
  }

  @Test
  public void combinedStreamsCarryTheirNameAndTheRollingStreamHasEveryWindow() throws Exception {
    String a = "PUSHBUSDT";
    String b = "PUSHCUSDT";
    try (WsClient c = WsClient.connect(ws + "/stream?streams=pushbusdt@kline_5m/pushcusdt@kline_5m@step1m")) {
      TestDatabase.upsert(state(a, T0 + MINUTE, 1, false), state(b, T0 + MINUTE, 2, false));
      TestDatabase.upsert(state(a, T0, 3, false), state(b, T0 + 2 * MINUTE, 4, false));
      Map<String, List<Long>> seen = new HashMap<>();
      for (int i = 0; i < 3; i++) {
        JsonNode m = c.next(10_000);
        assertEquals(2, m.size());
        String stream = m.get("stream").asText();
        JsonNode e = m.get("data");
        seen.computeIfAbsent(stream, s -> new ArrayList<>()).add(e.get("k").get("t").asLong());
        assertEvent(e, e.get("s").asText(), e.get("k").get("t").asLong());
      }
      assertEquals(List.of(T0), seen.get("pushbusdt@kline_5m"));
      assertEquals(List.of(T0 + MINUTE, T0 + 2 * MINUTE), seen.get("pushcusdt@kline_5m@step1m"));
      assertNull("nothing else", c.messages.poll(300, TimeUnit.MILLISECONDS));
    }
  }

  @Test
  public void liveSubscribeUnsubscribeAndListAsBinanceAnswersThem() throws Exception {
    String a = "PUSHDUSDT";
    String b = "PUSHEUSDT";
    try (WsClient c = WsClient.connect(ws + "/ws")) {
      c.send("{\"method\":\"SUBSCRIBE\",\"params\":[\"pushdusdt@kline_5m\",\"pushEusdt@kline_5m\"],\"id\":1}");
      assertEquals("{\"result\":null,\"id\":1}", c.messages.poll(10, TimeUnit.SECONDS));
      c.send("{\"method\":\"LIST_SUBSCRIPTIONS\",\"id\":\"list2\"}");
      JsonNode list = c.next(10_000);
      assertEquals("list2", list.get("id").asText());
      Set<String> streams = new TreeSet<>();
      list.get("result").forEach(n -> streams.add(n.asText()));
      assertEquals(Set.of("pushdusdt@kline_5m", "pusheusdt@kline_5m"), streams);
      TestDatabase.upsert(state(a, T0, 1, false));
      assertEquals(a, c.next(10_000).get("s").asText());
      c.send("{\"method\":\"UNSUBSCRIBE\",\"params\":[\"pushdusdt@kline_5m\"],\"id\":3}");
      assertEquals("{\"result\":null,\"id\":3}", c.messages.poll(10, TimeUnit.SECONDS));
      TestDatabase.upsert(state(a, T0, 2, false));
      TestDatabase.upsert(state(b, T0, 1, false));
      assertEquals("only the stream still subscribed", b, c.next(10_000).get("s").asText());
      c.send("{\"method\":\"SET_PROPERTY\",\"params\":[\"combined\",true],\"id\":4}");
      assertEquals("{\"result\":null,\"id\":4}", c.messages.poll(10, TimeUnit.SECONDS));
      TestDatabase.upsert(state(b, T0, 2, false));
      assertEquals("pusheusdt@kline_5m", c.next(10_000).get("stream").asText());
      Thread.sleep(1100); // Binance's limit: 5 messages a second
      c.send("{\"method\":\"SUBSCRIBE\",\"params\":[\"pushdusdt@kline_1m\"],\"id\":5}");
      JsonNode error = c.next(10_000);
      assertEquals(2, error.get("error").get("code").asInt());
      assertThat(error.get("error").get("msg").asText(), containsString("5-minute candles only"));
      assertEquals(5, error.get("id").asInt());
      c.send("not json");
      assertEquals(3, c.next(10_000).get("error").get("code").asInt());
      c.send("{\"method\":\"GET_PROPERTY\",\"params\":[\"combined\"],\"id\":6}");
      assertEquals("{\"result\":true,\"id\":6}", c.messages.poll(10, TimeUnit.SECONDS));
    }
  }

  @Test
  public void aBadStreamNameIsRefusedAtTheHandshakeWithWhatIsRight() throws Exception {
    String r = SlowSocketClient.refusedHandshake(ws + "/ws/btcusdt@trade");
    assertThat(r, startsWith("HTTP/1.1 400"));
    assertThat(r, containsString("\"code\":-1100"));
    assertThat(r, containsString("<pair>@kline_5m"));
    assertThat(SlowSocketClient.refusedHandshake(ws + "/stream?streams=btcusdt@kline_1h"),
        containsString("5-minute candles only"));
  }

  @Test
  public void aBurstArrivesNewestStateLastNeverAnOlderAfterANewer() throws Exception {
    String pair = "PUSHFUSDT";
    try (WsClient c = WsClient.connect(ws + "/ws/pushfusdt@kline_5m")) {
      try (TestDatabase.Writer writer = new TestDatabase.Writer()) {
        for (int ticks = 1; ticks <= 300; ticks++) {
          writer.upsert(state(pair, T0, ticks, ticks == 300));
        }
      }
      List<JsonNode> events = c.until(e -> e.get("k").get("x").asBoolean(), 30_000);
      long last = 0;
      for (JsonNode e : events) {
        long n = e.get("k").get("n").asLong();
        assertThat("ticks only grow", n, greaterThan(last));
        last = n;
      }
      assertEquals(300, last);
      assertEvent(events.get(events.size() - 1), pair, T0);
    }
  }

  /**
   * The listening connection is killed (pg_terminate_backend) and kept from logging in again for
   * a while (the role loses LOGIN), so every notification of that time is lost for sure; final
   * candles written meanwhile must still all arrive, once it is back. Three rounds, different
   * seeds.
   */
  @Test
  public void aKilledDatabaseConnectionLosesNoFinalCandle() throws Exception {
    String pair = "PUSHGUSDT";
    JsonNode status0 = Http.get(server.baseUrl() + "/status").json();
    long window = T0;
    try (WsClient c = WsClient.connect(ws + "/ws/pushgusdt@kline_5m@step1m")) {
      for (int round = 0; round < 3; round++) {
        Random random = new Random(round);
        Set<Long> finals = new TreeSet<>();
        // Some before the kill, arriving live.
        for (int i = 0; i < 3; i++, window += MINUTE) {
          TestDatabase.upsert(state(pair, window, 1 + random.nextInt(50), true));
          finals.add(window);
        }
        try (Connection owner = TestDatabase.owner()) {
          owner.createStatement().execute("ALTER ROLE candles_reader NOLOGIN");
          try {
            terminateListener(owner);
            // While it is out: finals and an open candle becoming final.
            int n = 5 + random.nextInt(10);
            for (int i = 0; i < n; i++, window += MINUTE) {
              TestDatabase.upsert(state(pair, window, 1 + random.nextInt(50), i % 3 != 0));
              if (i % 3 == 0) {
                TestDatabase.upsert(state(pair, window, 60, true));
              }
              finals.add(window);
            }
            Thread.sleep(random.nextInt(500));
          } finally {
            owner.createStatement().execute("ALTER ROLE candles_reader LOGIN");
          }
        }
        Set<Long> arrived = new TreeSet<>();
        c.until(e -> {
          if (e.get("k").get("x").asBoolean()) {
            arrived.add(e.get("k").get("t").asLong());
          }
          return arrived.containsAll(finals);
        }, 30_000);
        for (long t : finals) {
          assertEquals("final " + t + " in the table", true, row(pair, t).get("x"));
        }
      }
    }
    JsonNode status = Http.get(server.baseUrl() + "/status").json();
    assertThat("reconnects", status.get("feedReconnects").asLong() - status0.get("feedReconnects").asLong(),
        greaterThanOrEqualTo(3L));
    assertTrue("listening again", status.get("feedConnected").asBoolean());
  }

  /** Kills the server's listening connection and waits until it is gone. */
  private static void terminateListener(Connection owner) throws Exception {
    String find = "select pid from pg_stat_activity where application_name = '" + ChangeFeed.APPLICATION_NAME + "'";
    int killed = 0;
    try (ResultSet rs = owner.createStatement().executeQuery(find)) {
      while (rs.next()) {
        owner.createStatement().execute("select pg_terminate_backend(" + rs.getInt(1) + ")");
        killed++;
      }
    }
    assertEquals("one listening connection", 1, killed);
    long deadline = System.currentTimeMillis() + 10_000;
    while (true) {
      try (ResultSet rs = owner.createStatement().executeQuery(find)) {
        if (!rs.next()) {
          return;
        }
      }
      assertTrue("the listener went away", System.currentTimeMillis() < deadline);
      Thread.sleep(20);
    }
  }

  /**
   * A client on a slow link (small receive buffer, reading nothing) and a fast one follow the
   * same candles while states are written until the slow one's events back up in the server (its
   * socket is full and newer states replace waiting ones): the fast one gets every candle's final
   * state while the slow one still reads nothing; then the slow one reads and gets, for each
   * candle, states in order ending with the final one, far fewer than were written.
   */
  @Test
  public void aSlowClientGetsTheNewestStatePerCandleAndNeverHoldsUpAFastOne() throws Exception {
    String pair = "PUSHHUSDT";
    String stream = "pushhusdt@kline_5m@step1m";
    int candles = 5;
    String status = server.baseUrl() + "/status";
    long conflated0 = Http.get(status).json().get("eventsConflated").asLong();
    int rounds = 0;
    try (SlowSocketClient slow = SlowSocketClient.connect(ws + "/ws/" + stream, 4096);
        WsClient fast = WsClient.connect(ws + "/ws/" + stream);
        TestDatabase.Writer writer = new TestDatabase.Writer()) {
      long until = System.currentTimeMillis() + 60_000;
      boolean backedUp = false;
      while (!backedUp) {
        rounds++;
        List<Candle> batch = new ArrayList<>();
        for (int i = 0; i < candles; i++) {
          batch.add(state(pair, T0 + i * MINUTE, rounds, false));
        }
        writer.upsert(batch);
        if (rounds % 50 == 0) {
          backedUp = Http.get(status).json().get("eventsConflated").asLong() > conflated0;
          assertTrue("the slow client's events back up within a minute", System.currentTimeMillis() < until);
        }
      }
      rounds++;
      List<Candle> last = new ArrayList<>();
      for (int i = 0; i < candles; i++) {
        last.add(state(pair, T0 + i * MINUTE, rounds, true));
      }
      writer.upsert(last);
      int finalTicks = rounds;
      Set<Long> done = new TreeSet<>();
      fast.until(e -> {
        if (e.get("k").get("x").asBoolean()) {
          assertEquals(finalTicks, e.get("k").get("n").asInt());
          done.add(e.get("k").get("t").asLong());
        }
        return done.size() == candles;
      }, 30_000);

      List<String> got = new ArrayList<>();
      Map<Long, Long> lastTicks = new HashMap<>();
      long deadline = System.currentTimeMillis() + 30_000;
      while (lastTicks.values().stream().filter(n -> n == finalTicks).count() < candles) {
        assertTrue("the slow client gets the newest states", System.currentTimeMillis() < deadline);
        for (String text : slow.read(got.size() + 1, got)) {
          got.add(text);
          JsonNode k = WsClient.JSON.readTree(text).get("k");
          long t = k.get("t").asLong();
          long n = k.get("n").asLong();
          assertThat("ticks only grow per candle", n, greaterThan(lastTicks.getOrDefault(t, 0L)));
          lastTicks.put(t, n);
        }
      }
      assertThat("conflated: fewer events than the " + rounds * candles + " states", got.size(),
          lessThan(rounds * candles));
      for (int i = 0; i < candles; i++) {
        assertEquals(true, row(pair, T0 + i * MINUTE).get("x"));
      }
    }
  }

  @Test
  public void aClientOverBinancesMessageLimitIsClosedWithTheReason() throws Exception {
    try (WsClient c = WsClient.connect(ws + "/ws")) {
      for (int i = 0; i < 7 && !c.closed.isDone(); i++) {
        c.send("{\"method\":\"LIST_SUBSCRIPTIONS\",\"id\":" + i + "}");
      }
      String closed = c.closed.get(10, TimeUnit.SECONDS);
      assertThat(closed, startsWith("1008 Too many messages: at most 5 per second"));
    }
  }

  /** Binance pings every 20 s; the interval is an option, shortened here because it is what is tested. */
  @Test
  public void theServerPingsAndClosesAStalledClientWithTheReason() throws Exception {
    ServeOptions.Settings quick = TestDatabase.settings().withClientLimits(5000, Duration.ofMillis(300),
        Duration.ofSeconds(60), Duration.ofSeconds(2));
    try (CandleServer s = CandleServer.start(quick);
        WsClient c = WsClient.connect(s.baseUrl().replace("http://", "ws://") + "/ws/pushiusdt@kline_5m")) {
      long deadline = System.currentTimeMillis() + 10_000;
      while (c.pings.get() < 3) {
        assertTrue("pings", System.currentTimeMillis() < deadline);
        Thread.sleep(50);
      }
      // A client that stops reading while events wait for it: closed after the slow-client timeout.
      try (SlowSocketClient slow = SlowSocketClient.connect(s.baseUrl().replace("http://", "ws://")
          + "/ws/pushiusdt@kline_5m@step1m", 4096);
          TestDatabase.Writer writer = new TestDatabase.Writer()) {
        long until = System.currentTimeMillis() + 60_000;
        for (int r = 1; ; r++) {
          List<Candle> batch = new ArrayList<>();
          for (int i = 0; i < 5; i++) {
            batch.add(state("PUSHIUSDT", T0 + i * MINUTE, r, false));
          }
          writer.upsert(batch);
          if (r % 20 == 0 && Http.get(s.baseUrl() + "/status").json().get("clientsClosedSlow").asLong() > 0) {
            break;
          }
          assertTrue("closed as too slow within a minute", System.currentTimeMillis() < until);
        }
        List<String> got = new ArrayList<>();
        while (slow.closeReason == null) {
          got.addAll(slow.read(Integer.MAX_VALUE, got));
        }
        assertEquals(1008, slow.closeCode);
        assertThat(slow.closeReason, startsWith("Too slow: took no data for 2 s"));
      }
    }
  }
}
