package io.candles.local;

import static io.candles.local.LocalCandles.PAIRS;
import static io.candles.local.LocalCandles.awaitCandlesForEveryPair;
import static io.candles.local.LocalRun.PG;
import static io.candles.local.LocalRun.PIDS;
import static io.candles.local.LocalRun.assertNothingLeft;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.candles.testkit.CandleTable;
import io.candles.testkit.Database;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.Test;

/**
 * The candle server fed by the real pipeline, as scripts/run-local.sh runs them: the page's URL
 * and an example curl are printed; Binance-style klines over REST equal the table field by field
 * for every final candle of every pair; the WebSocket pushes kline events of every pair, and a
 * final flag, equal to the row the pipeline wrote.
 */
public class RunLocalServeIT {
  private static final Pattern WEB = Pattern.compile("Live chart:\\s+(http://127\\.0\\.0\\.1:\\d+)/");
  private static final Pattern CURL = Pattern.compile("Binance API:\\s+curl '(http://[^']+)'");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  public void theServerFedByThePipelineAnswersAsBinanceWithTheTablesCandles() throws Exception {
    Path dataDir = LocalRun.newDataDir("run-local-serve-");
    LocalRun run = LocalRun.start("--data-dir", dataDir.toString(), "--duration", "150s");
    String pgPort = run.await(PG, 240_000);
    String web = run.await(WEB, 60_000);
    String curl = run.await(CURL, 10_000);
    String pids = run.await(PIDS, 10_000);
    Database db = LocalCandles.database(pgPort);
    awaitCandlesForEveryPair(db, 30_000);

    // The printed curl works as printed.
    HttpResponse<String> example = HTTP.send(HttpRequest.newBuilder(URI.create(curl)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(example.body(), 200, example.statusCode());
    assertTrue(JSON.readTree(example.body()).isArray());
    // The page is there.
    assertEquals(200, HTTP.send(HttpRequest.newBuilder(URI.create(web + "/")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode());

    BlockingQueue<String> events = new LinkedBlockingQueue<>();
    String streams = PAIRS.stream().map(p -> p.toLowerCase(Locale.ROOT) + "@kline_5m@step1m").collect(Collectors.joining("/"));
    WebSocket ws = HTTP.newWebSocketBuilder().buildAsync(URI.create(web.replace("http://", "ws://") + "/stream?streams="
        + streams), new WebSocket.Listener() {
          private final StringBuilder partial = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
              events.add(partial.toString());
              partial.setLength(0);
            }
            w.request(1);
            return null;
          }
        }).get(10, TimeUnit.SECONDS);
    try {
      // Events of every pair, and a final flag, each equal to the row (a final row changes no more,
      // but for a late tick; an open row may have moved on, so it is compared when final).
      java.util.Set<String> pairsSeen = new java.util.TreeSet<>();
      JsonNode fin = null;
      long deadline = System.currentTimeMillis() + 100_000;
      while (fin == null || !pairsSeen.containsAll(PAIRS)) {
        String m = events.poll(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
        assertTrue("events of every pair and a final one within 100 s; pairs " + pairsSeen, m != null);
        JsonNode e = JSON.readTree(m);
        JsonNode k = e.get("data").get("k");
        assertEquals(k.get("s").asText().toLowerCase(Locale.ROOT) + "@kline_5m@step1m", e.get("stream").asText());
        pairsSeen.add(k.get("s").asText());
        if (k.get("x").asBoolean() && fin == null) {
          fin = k;
        }
      }
      CandleTable.Row row = rows(db, fin.get("s").asText(), fin.get("t").asLong(), fin.get("t").asLong()).get(0);
      if (row.count() == fin.get("n").asLong()) {
        List<BigDecimal> ohlc = List.of(row.open(), row.high(), row.low(), row.close());
        for (int f = 0; f < 4; f++) {
          String name = "ohlc".substring(f, f + 1);
          assertEquals(name, 0, new BigDecimal(fin.get(name).asText()).compareTo(ohlc.get(f)));
        }
        assertEquals(row.closeTime() - 1, fin.get("T").asLong());
        assertEquals(row.lastEventTime(), fin.get("lastEventTime").asLong());
      } else {
        assertThat("a late tick moved the final row on, never back", row.count(), greaterThan(fin.get("n").asLong()));
      }

      // REST: every final candle of the last twelve, per pair, equals the table. The first final
      // event above may be another pair's: the sink writes each pair's final row a moment apart, so
      // a pair with none final yet is read again until it has one.
      for (String pair : PAIRS) {
        long finalDeadline = System.currentTimeMillis() + 60_000;
        while (compareFinalKlines(web, db, pair) == 0 && System.currentTimeMillis() < finalDeadline) {
          Thread.sleep(1_000);
        }
        assertThat(pair + ": final candles compared", compareFinalKlines(web, db, pair), greaterThan(0));
      }
    } finally {
      ws.abort();
    }
    assertEquals("exit code; output:\n" + run.output(), 0, run.awaitExit(240));
    assertTrue(run.output().contains("run-local: stopped the candle server"));
    assertNothingLeft(pids, dataDir);
  }

  /**
   * Reads the last twelve klines of {@code pair} over REST and the same windows from the table;
   * asserts every candle final in both (and with the same ticks) equal; returns how many were.
   */
  private static int compareFinalKlines(String web, Database db, String pair) throws Exception {
    JsonNode klines = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(web
        + "/api/v3/klines?symbol=" + pair + "&interval=5m&step=1m&limit=12&extended=true")).build(),
        HttpResponse.BodyHandlers.ofString()).body());
    assertThat(pair, klines.size(), greaterThan(0));
    List<CandleTable.Row> table =
        rows(db, pair, klines.get(0).get(0).asLong(), klines.get(klines.size() - 1).get(0).asLong());
    assertEquals(pair + ": the same windows", klines.size(), table.size());
    int compared = 0;
    for (int i = 0; i < klines.size(); i++) {
      JsonNode k = klines.get(i);
      CandleTable.Row r = table.get(i);
      assertEquals(r.openTime(), k.get(0).asLong());
      if (!k.get(12).get("isFinal").asBoolean() || !r.isFinal() || r.count() != k.get(8).asLong()) {
        continue; // still open: it moves between the two reads
      }
      List<BigDecimal> ohlc = List.of(r.open(), r.high(), r.low(), r.close());
      for (int f = 1; f <= 4; f++) {
        assertEquals(pair + " field " + f, 0, new BigDecimal(k.get(f).asText()).compareTo(ohlc.get(f - 1)));
      }
      assertEquals(r.closeTime() - 1, k.get(6).asLong());
      assertEquals("0", k.get(5).asText());
      assertEquals(r.lastEventTime(), k.get(12).get("lastEventTime").asLong());
      compared++;
    }
    return compared;
  }

  /** Rows of a pair with open_time in [from, to], by open time. */
  private static List<CandleTable.Row> rows(Database db, String pair, long from, long to) {
    return CandleTable.read(db, LocalCandles.TABLE).stream()
        .filter(r -> r.pair().equals(pair) && r.openTime() >= from && r.openTime() <= to).toList();
  }
}
