package io.candles.local;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Test;

/**
 * Runs scripts/run-local.sh the way the README does, for a short while, twice on the same data:
 * candles for every simulated pair appear within 15 seconds of the system being up and keep
 * updating; POST /stop halts new ticks and POST /start resumes them; when it exits, no process it
 * started is alive; the second run resumes with the first run's rows intact.
 */
public class RunLocalIT {
  private static final List<String> PAIRS = List.of("BTCUSDT", "ETHUSDT", "SOLUSDT");
  private static final Pattern PG = Pattern.compile("psql \"postgresql://postgres@127\\.0\\.0\\.1:(\\d+)/postgres\"");
  private static final Pattern REST = Pattern.compile("Ingester REST:\\s+(http://127\\.0\\.0\\.1:\\d+)/status");
  private static final Pattern PIDS = Pattern.compile("PIDs:\\s+(.*)");

  /** A running run-local.sh and what it printed. */
  private static final class Run {
    final Process process;
    final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();

    Run(Path dataDir, String duration) throws IOException {
      Path root = Paths.get("..").toAbsolutePath().normalize();
      ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("scripts/run-local.sh").toString(),
          "--data-dir", dataDir.toString(), "--duration", duration).directory(root.toFile())
          .redirectErrorStream(true);
      pb.environment().put("RUN_LOCAL_CLASSPATH", System.getProperty("java.class.path"));
      process = pb.start();
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          String l;
          while ((l = r.readLine()) != null) {
            lines.add(l);
          }
        } catch (IOException e) {
          // The process ended.
        }
      });
      reader.setDaemon(true);
      reader.start();
    }

    String await(Pattern p, long timeoutMillis) throws InterruptedException {
      long deadline = System.currentTimeMillis() + timeoutMillis;
      while (System.currentTimeMillis() < deadline) {
        for (String l : lines) {
          Matcher m = p.matcher(l);
          if (m.find()) {
            return m.group(1);
          }
        }
        if (!process.isAlive()) {
          break;
        }
        Thread.sleep(200);
      }
      fail("run-local.sh never printed " + p + "; output:\n" + String.join("\n", lines));
      return null;
    }
  }

  @Test
  public void runsShowsCandlesObeysStopAndStartLeavesNothingAndResumes() throws Exception {
    Path dataDir = Files.createTempDirectory(
        Files.createDirectories(Paths.get("target").toAbsolutePath()), "run-local-");

    // ---- first run
    Run first = new Run(dataDir, "75s");
    String pgPort = first.await(PG, 240_000);
    String rest = first.await(REST, 10_000);
    String pids = first.await(PIDS, 10_000);
    String jdbc = "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres";

    Map<String, Long> seen = awaitCandlesForEveryPair(jdbc, 15_000);
    // They keep updating.
    awaitGrowth(jdbc, seen, 20_000);

    // POST /stop halts new ticks: once the pipeline has drained, the table stops changing.
    assertEquals(200, post(rest + "/stop"));
    Thread.sleep(6_000);
    Map<String, Long> stopped = totals(jdbc);
    Thread.sleep(5_000);
    assertEquals("no new ticks after POST /stop", stopped, totals(jdbc));
    // POST /start resumes them.
    assertEquals(200, post(rest + "/start"));
    awaitGrowth(jdbc, stopped, 20_000);

    assertTrue("run-local.sh did not stop after --duration",
        first.process.waitFor(180, java.util.concurrent.TimeUnit.SECONDS));
    assertEquals("exit code; output:\n" + String.join("\n", first.lines), 0, first.process.exitValue());
    assertNothingLeft(pids, dataDir);
    Map<String, Long> rowsAfterFirst = rowCounts(dataDir, pgPort, true);

    // ---- second run, same data: earlier rows are still there, none went backwards.
    Run second = new Run(dataDir, "120s");
    String pgPort2 = second.await(PG, 240_000);
    assertEquals("same PostgreSQL port on the same data", pgPort, pgPort2);
    String pids2 = second.await(PIDS, 10_000);
    Map<String, Long> rowsInSecond = rowCounts(dataDir, pgPort, false);
    for (Map.Entry<String, Long> e : rowsAfterFirst.entrySet()) {
      Long now = rowsInSecond.get(e.getKey());
      assertTrue("row " + e.getKey() + " of the first run is gone", now != null);
      assertTrue("row " + e.getKey() + " went backwards: " + e.getValue() + " -> " + now, now >= e.getValue());
    }
    // The restarted pipeline replays the topic from its start (the DirectRunner keeps no
    // checkpoints), which the guarded upsert absorbs; new ticks show once the replay is through.
    awaitGrowth(jdbc, totals(jdbc), 100_000);
    assertTrue(second.process.waitFor(240, java.util.concurrent.TimeUnit.SECONDS));
    assertEquals(0, second.process.exitValue());
    assertNothingLeft(pids2, dataDir);
  }

  /** A port in use: one line naming the component and what to do, the rest stopped, exit non-zero. */
  @Test
  public void aPortInUseIsOneClearLineAndNothingIsLeft() throws Exception {
    Path dataDir = Files.createTempDirectory(
        Files.createDirectories(Paths.get("target").toAbsolutePath()), "run-local-busy-");
    try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getByName("127.0.0.1"))) {
      Path root = Paths.get("..").toAbsolutePath().normalize();
      ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("scripts/run-local.sh").toString(),
          "--data-dir", dataDir.toString(), "--http-port", Integer.toString(busy.getLocalPort()))
          .directory(root.toFile()).redirectErrorStream(true);
      pb.environment().put("RUN_LOCAL_CLASSPATH", System.getProperty("java.class.path"));
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(180, java.util.concurrent.TimeUnit.SECONDS));
      assertEquals(out, 1, p.exitValue());
      assertTrue(out, out.contains("run-local: the ingester's REST port 127.0.0.1:" + busy.getLocalPort()
          + " is already in use; choose another with --http-port N"));
    }
    assertNothingLeft("", dataDir);
  }

  private static Map<String, Long> awaitCandlesForEveryPair(String jdbc, long timeoutMillis)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    Map<String, Long> t = Map.of();
    while (System.currentTimeMillis() < deadline) {
      try {
        t = totals(jdbc);
        if (t.keySet().containsAll(PAIRS)) {
          return t;
        }
      } catch (SQLException e) {
        // The table may not exist yet.
      }
      Thread.sleep(250);
    }
    fail("no candles for every pair within " + timeoutMillis / 1000 + " s of start: " + t);
    return null;
  }

  /** Waits until every pair's tick total has grown past {@code before}. */
  private static Map<String, Long> awaitGrowth(String jdbc, Map<String, Long> before, long timeoutMillis)
      throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    Map<String, Long> now = before;
    while (System.currentTimeMillis() < deadline) {
      now = totals(jdbc);
      boolean all = true;
      for (String pair : PAIRS) {
        if (now.getOrDefault(pair, 0L) <= before.getOrDefault(pair, 0L)) {
          all = false;
        }
      }
      if (all) {
        return now;
      }
      Thread.sleep(500);
    }
    fail("candles did not update within " + timeoutMillis / 1000 + " s: " + before + " -> " + now);
    return null;
  }

  /** Ticks in the table per pair: each tick is in exactly one window starting on a multiple of 5 minutes. */
  private static Map<String, Long> totals(String jdbc) throws SQLException {
    Map<String, Long> out = new HashMap<>();
    try (Connection c = DriverManager.getConnection(jdbc, "postgres", "postgres");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT currency_pair, sum(tick_count) FROM candle_stick_five_min "
            + "WHERE (extract(epoch FROM open_time)::bigint / 60) % 5 = 0 GROUP BY currency_pair")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getLong(2));
      }
    }
    return out;
  }

  /**
   * Every row's tick_count, by pair and open time. Between runs nothing serves the data, so it
   * starts the same PostgreSQL on it briefly.
   */
  private static Map<String, Long> rowCounts(Path dataDir, String pgPort, boolean startServer) throws Exception {
    io.candles.devservices.PostgresServer pg = startServer
        ? io.candles.devservices.PostgresServer.start(dataDir.resolve("postgres")) : null;
    String url = pg != null ? pg.jdbcUrl() : "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres";
    try (Connection c = DriverManager.getConnection(url, "postgres", "postgres");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT currency_pair, open_time, tick_count FROM candle_stick_five_min")) {
      Map<String, Long> out = new HashMap<>();
      while (rs.next()) {
        out.put(rs.getString(1) + " " + rs.getString(2), rs.getLong(3));
      }
      assertThat(out.size(), greaterThan(0));
      return out;
    } finally {
      if (pg != null) {
        pg.stop();
      }
    }
  }

  private static int post(String url) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    return r.statusCode();
  }

  /** No process it printed is alive, and no process has the data directory in its command line. */
  private static void assertNothingLeft(String pids, Path dataDir) throws Exception {
    List<String> alive = new ArrayList<>();
    long deadline = System.currentTimeMillis() + 15_000;
    do {
      alive.clear();
      for (String part : pids.isBlank() ? new String[0] : pids.trim().split("\\s+")) {
        long pid = Long.parseLong(part.substring(part.indexOf('=') + 1));
        ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
            .filter(h -> h.info().command().isPresent())
            .ifPresent(h -> alive.add(part));
      }
      ProcessHandle.allProcesses()
          .filter(h -> h.info().commandLine().map(l -> l.contains(dataDir.toString())).orElse(false))
          .forEach(h -> alive.add(h.pid() + " " + h.info().commandLine().orElse("")));
      if (alive.isEmpty()) {
        return;
      }
      Thread.sleep(500);
    } while (System.currentTimeMillis() < deadline);
    fail("processes left behind: " + alive);
  }
}
