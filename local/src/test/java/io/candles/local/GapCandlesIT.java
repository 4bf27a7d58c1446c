package io.candles.local;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.candles.ingest.IngestOptions;
import io.candles.ingest.Ingester;
import io.candles.ingest.exchange.binance.BinanceAdapter;
import io.candles.ingest.http.ControlServer;
import io.candles.simulator.ExchangeSimulator;
import io.candles.testkit.CandleReference;
import io.candles.testkit.CandleTable;
import io.candles.testkit.Database;
import io.candles.testkit.Services;
import io.candles.testkit.TickStream;
import io.candles.testkit.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.After;
import org.junit.Test;

/**
 * Feed gaps end to end, at the defaults a user runs: the simulator drops every connection and
 * refuses new ones for a known time, and later the flow is stopped over the ingester's REST API
 * for a known time. The ingester marks both in Kafka; the pipeline, in a JVM of its own on the
 * DirectRunner, folds them into the candles.
 *
 * <p>Every row's {@code gap_ms} and {@code gap_count} must equal what the gap records on the topic
 * say, clipped to its window (testkit's reference, millisecond by millisecond); the records must
 * be exactly the two interruptions, each as long as the feed really stopped (from the pair's last
 * tick before to its first after) within a second, and no shorter than the outage or the stop; so
 * the windows that hold an interruption carry its length and the others carry 0.
 */
public class GapCandlesIT {
  private static final List<String> PAIRS = List.of("BTCUSDT", "ETHUSDT");
  private static final String TOPIC = "ticks-gaps";
  private static final String TABLE = "candles_gaps";
  private static final String TOKEN = "gap-candles-it";
  private static final long TOLERANCE_MS = 1_000;

  private ExchangeSimulator sim;
  private Ingester ingester;
  private ControlServer http;
  private PipelineProcess pipeline;

  @After
  public void tearDown() throws InterruptedException {
    if (pipeline != null) {
      pipeline.close();
    }
    if (http != null) {
      http.close();
    }
    if (ingester != null) {
      ingester.close();
    }
    if (sim != null) {
      sim.close();
    }
  }

  @Test
  public void anOutageAndARestStopAreMarkedInEveryWindowTheyOverlapByTheirLength() throws Exception {
    String bootstrap = Services.kafka().bootstrapServers();
    Database db = Services.database();
    Topics.create(bootstrap, TOPIC, 2);
    Topics.create(bootstrap, TOPIC + "-dlq", 1);
    CandleTable.create(db, TABLE);

    sim = ExchangeSimulator.start("127.0.0.1", 0, ExchangeSimulator.Config.of(PAIRS, 1_200));
    ingester = Ingester.create(IngestOptions.parse(new String[] {"--exchange", "simulator", "--pairs",
        String.join(",", PAIRS), "--bootstrapServers", bootstrap, "--topic", TOPIC, "--httpPort", "0",
        "--token", TOKEN}, Map.of()), BinanceAdapter.spot().named("simulator"), sim.endpoint());
    ingester.start();
    http = ControlServer.start("127.0.0.1", 0, TOKEN, ingester);
    Path log = Services.dataDir("gap-candles").resolve("pipeline.log");
    List<String> options = new ArrayList<>(List.of("--bootstrapServers=" + bootstrap, "--topic=" + TOPIC,
        "--dlqTopic=" + TOPIC + "-dlq", "--table=" + TABLE));
    options.addAll(Arrays.asList(db.options()));
    pipeline = PipelineProcess.start(log, options);
    pipeline.await("rows for every pair", Duration.ofSeconds(180),
        () -> CandleTable.read(db, TABLE).stream().map(CandleTable.Row::pair).distinct().count() == PAIRS.size());

    // The exchange goes away for a known time: every connection dropped, new ones refused.
    long outage = 4_000;
    long outageAsked = System.currentTimeMillis();
    sim.outage(Duration.ofMillis(outage));
    long outageBegun = System.currentTimeMillis();
    Thread.sleep(outage);
    // The ingester reconnects on its own backoff (exponential, jittered: seconds after a few
    // refusals), then ticks flow again.
    long ackedAtEnd = ingester.publisherStats().ticksAcked();
    pipeline.await("ticks flowing again after the outage", Duration.ofSeconds(60),
        () -> ingester.publisherStats().ticksAcked() > ackedAtEnd + 100);
    Thread.sleep(3_000);

    // The flow stopped over REST for a known time: from when the stop was answered to when the
    // start was asked at least.
    long stopAsked = System.currentTimeMillis();
    assertEquals(200, post("/stop"));
    long stopped = System.currentTimeMillis();
    Thread.sleep(5_000);
    long startAsked = System.currentTimeMillis();
    assertEquals(200, post("/start"));
    Thread.sleep(5_000);

    Map<String, List<long[]>> gaps = Topics.gaps(bootstrap, TOPIC);
    List<TickStream.Sent> ticks = Topics.ticks(bootstrap, TOPIC);
    for (String pair : PAIRS) {
      List<long[]> union = union(gaps.getOrDefault(pair, List.of()));
      assertEquals(pair + ": the outage and the stop, and no other gap: " + show(union), 2, union.size());
      assertInterruption(pair, "outage", union.get(0), outageAsked, outageBegun, outage, ticks);
      assertInterruption(pair, "stop", union.get(1), stopAsked, stopped, startAsked - stopped, ticks);
    }

    // The table: every row's gap fields as the records say, once the pipeline has caught up.
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    List<CandleTable.Row> actual;
    List<CandleTable.Row> expected;
    do {
      Thread.sleep(1_000);
      actual = CandleTable.read(db, TABLE);
      expected = CandleReference.withGaps(actual, gaps);
    } while (!expected.equals(actual) && System.nanoTime() < deadline);
    assertTrue("gap_ms and gap_count as the gap records say: " + CandleTable.difference(expected, actual),
        expected.equals(actual));
    List<CandleTable.Row> rows = CandleTable.read(db, TABLE);
    for (String pair : PAIRS) {
      List<long[]> union = union(gaps.get(pair));
      for (long[] gap : union) {
        long length = gap[1] - gap[0];
        // The windows that hold the whole interruption carry all of it (there is one at least:
        // windows are five minutes, a new one every minute).
        List<CandleTable.Row> holding = rows.stream()
            .filter(r -> r.pair().equals(pair) && r.openTime() <= gap[0] && gap[1] <= r.closeTime()).toList();
        assertTrue(pair + ": a row holds the gap " + show(List.of(gap)), !holding.isEmpty());
        for (CandleTable.Row r : holding) {
          assertThat(r.toString(), r.quality().gapMs(), greaterThanOrEqualTo(length));
        }
      }
      assertTrue(pair + ": windows away from the gaps carry none", rows.stream()
          .filter(r -> r.pair().equals(pair) && union.stream().noneMatch(g -> g[0] < r.closeTime() && r.openTime() < g[1]))
          .allMatch(r -> r.quality().gapMs() == 0 && r.quality().gapCount() == 0));
    }
    assertTrue("the pipeline is still running", pipeline.isAlive());
  }

  /**
   * The pair's gap for an interruption begun between {@code asked} and {@code begun} and lasting
   * at least {@code length}: it begins then, lasts at least as long, and is within a second of how
   * long the pair's ticks stopped.
   */
  private static void assertInterruption(String pair, String what, long[] gap, long asked, long begun, long length,
      List<TickStream.Sent> ticks) {
    long lastBefore = ticks.stream().filter(t -> t.pair().equals(pair) && t.eventTime() < gap[1])
        .mapToLong(TickStream.Sent::eventTime).max().orElseThrow();
    long firstAfter = ticks.stream().filter(t -> t.pair().equals(pair) && t.eventTime() >= gap[1])
        .mapToLong(TickStream.Sent::eventTime).min().orElseThrow();
    String where = pair + " " + what + " " + show(List.of(gap)) + ", ticks stopped from " + lastBefore + " to "
        + firstAfter + ", interruption begun from " + asked + " to " + begun + ", for " + length + " ms at least";
    assertThat(where, gap[0], greaterThanOrEqualTo(asked - TOLERANCE_MS));
    assertThat(where, gap[0], lessThanOrEqualTo(begun + TOLERANCE_MS));
    assertThat(where, gap[1] - gap[0], greaterThanOrEqualTo(length - TOLERANCE_MS));
    assertThat(where, (double) (gap[1] - gap[0]), closeTo(firstAfter - lastBefore, TOLERANCE_MS));
  }

  /** The union of intervals, sorted. */
  private static List<long[]> union(List<long[]> intervals) {
    List<long[]> sorted = new ArrayList<>(intervals);
    sorted.sort(Comparator.comparingLong(g -> g[0]));
    List<long[]> out = new ArrayList<>();
    for (long[] g : sorted) {
      if (!out.isEmpty() && g[0] <= out.get(out.size() - 1)[1]) {
        out.get(out.size() - 1)[1] = Math.max(out.get(out.size() - 1)[1], g[1]);
      } else {
        out.add(new long[] {g[0], g[1]});
      }
    }
    return out;
  }

  private static String show(List<long[]> intervals) {
    return intervals.stream().map(g -> "[" + g[0] + ", " + g[1] + ") " + (g[1] - g[0]) + " ms").toList().toString();
  }

  private int post(String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path))
        .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
  }
}
