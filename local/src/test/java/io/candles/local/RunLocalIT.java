package io.candles.local;

import static io.candles.local.LocalCandles.PAIRS;
import static io.candles.local.LocalCandles.awaitCandlesForEveryPair;
import static io.candles.local.LocalCandles.awaitGrowth;
import static io.candles.local.LocalCandles.rowCounts;
import static io.candles.local.LocalCandles.totals;
import static io.candles.local.LocalRun.PG;
import static io.candles.local.LocalRun.PIDS;
import static io.candles.local.LocalRun.REST;
import static io.candles.local.LocalRun.assertNothingLeft;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.candles.testkit.Database;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.Test;

/**
 * Runs scripts/run-local.sh the way the README does, for a short while, twice on the same data:
 * candles for every simulated pair appear within 15 seconds of the system being up and keep
 * updating, on screen too; POST /stop halts new ticks and POST /start resumes them; when it
 * exits, no process it started is alive; the second run resumes with the first run's rows intact
 * and logs of its own.
 */
public class RunLocalIT {
  private static final String READY = "Candle pipeline running";

  @Test
  public void runsShowsCandlesObeysStopAndStartLeavesNothingAndResumes() throws Exception {
    Path dataDir = LocalRun.newDataDir("run-local-");

    // ---- first run
    LocalRun first = LocalRun.start("--data-dir", dataDir.toString(), "--duration", "75s");
    String pgPort = first.await(PG, 240_000);
    String rest = first.await(REST, 10_000);
    String pids = first.await(PIDS, 10_000);
    Database db = LocalCandles.database(pgPort);

    Map<String, Long> seen = awaitCandlesForEveryPair(db, 15_000);
    // They keep updating.
    awaitGrowth(db, seen, 20_000);
    // ... and so does the screen: the table's header, and a row with prices for every pair.
    first.await(LocalRun.VIEW_HEADER, 10_000);
    for (String pair : PAIRS) {
      first.await(LocalRun.viewOpenCandle(pair), 10_000);
    }

    // POST /stop halts new ticks: once the pipeline has drained, the table stops changing.
    assertEquals(200, post(rest + "/stop"));
    Thread.sleep(6_000);
    Map<String, Long> stopped = totals(db);
    Thread.sleep(5_000);
    assertEquals("no new ticks after POST /stop", stopped, totals(db));
    // POST /start resumes them.
    assertEquals(200, post(rest + "/start"));
    awaitGrowth(db, stopped, 20_000);

    assertEquals("exit code; output:\n" + first.output(), 0, first.awaitExit(180));
    assertTrue(first.output().contains("run-local: --duration reached; stopping."));
    assertNothingLeft(pids, dataDir);
    Map<String, Long> rowsAfterFirst = rowCounts(dataDir, pgPort, true);

    // ---- second run, same data: earlier rows are still there, none went backwards.
    LocalRun second = LocalRun.start("--data-dir", dataDir.toString(), "--duration", "120s");
    String pgPort2 = second.await(PG, 240_000);
    assertEquals("same PostgreSQL port on the same data", pgPort, pgPort2);
    String pids2 = second.await(PIDS, 10_000);
    // Its logs are its own (the first run's kept as .1), so its pipeline was ready by its own line.
    Path logs = dataDir.resolve("logs");
    assertEquals(1, occurrences(logs.resolve("pipeline.log"), READY));
    assertEquals(1, occurrences(logs.resolve("pipeline.log.1"), READY));
    Map<String, Long> rowsInSecond = rowCounts(dataDir, pgPort, false);
    for (Map.Entry<String, Long> e : rowsAfterFirst.entrySet()) {
      Long now = rowsInSecond.get(e.getKey());
      assertTrue("row " + e.getKey() + " of the first run is gone", now != null);
      assertTrue("row " + e.getKey() + " went backwards: " + e.getValue() + " -> " + now, now >= e.getValue());
    }
    // The restarted pipeline replays the topic from its start (the DirectRunner keeps no
    // checkpoints), which the guarded upsert absorbs; new ticks show once the replay is through.
    awaitGrowth(db, totals(db), 100_000);
    assertEquals(0, second.awaitExit(240));
    assertNothingLeft(pids2, dataDir);
  }

  /**
   * A port in use: one line naming the component and what to do, said before anything starts (no
   * database, no broker), exit non-zero.
   */
  @Test
  public void aPortInUseIsOneClearLineBeforeAnythingStarts() throws Exception {
    Path dataDir = LocalRun.newDataDir("run-local-busy-");
    try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getByName("127.0.0.1"))) {
      LocalRun run = LocalRun.start("--data-dir", dataDir.toString(), "--http-port",
          Integer.toString(busy.getLocalPort()));
      assertEquals(run.output(), 1, run.awaitExit(60));
      assertEquals("run-local: the ingester's REST port 127.0.0.1:" + busy.getLocalPort()
          + " is already in use; choose another with --http-port N", run.output());
    }
    assertFalse(Files.exists(dataDir.resolve("postgres")));
    assertFalse(Files.exists(dataDir.resolve("kafka")));
    // A bad option likewise, with exit code 2.
    LocalRun bad = LocalRun.start("--data-dir", dataDir.toString(), "--runner", "spark");
    assertEquals(bad.output(), 2, bad.awaitExit(60));
    assertEquals("run-local: --runner must be direct or flink, got spark", bad.output());
    assertNothingLeft("", dataDir);
  }

  private static long occurrences(Path file, String text) throws Exception {
    return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> l.contains(text)).count();
  }

  private static int post(String url) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    return r.statusCode();
  }
}
