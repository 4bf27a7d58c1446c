package io.candles.bench;

import io.candles.process.FlinkJvmOptions;
import io.candles.process.JavaCommand;
import io.candles.process.Ports;
import io.candles.process.Processes;
import io.candles.runners.CandlesLauncher;
import io.candles.runners.Preflight;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One benchmark run against a running broker and database, with the pipeline as a separate
 * process (the launcher, on the runner given), so the load generator and the measurements stay
 * outside the system under test.
 *
 * <ul>
 *   <li>{@code throughput}: preload N ticks into a fresh topic, start the pipeline, and time
 *       until the table reflects every one of them (sum of tick_count over non-overlapping
 *       windows = N), and until they are all final. Timed from the first candle row, so JVM and
 *       cluster start-up are not counted.
 *   <li>{@code latency}: produce live ticks at a fixed rate; a trigger logs when each state of
 *       each row became visible; a tick's latency is from its send to the first visible state of
 *       its newest window whose tick_count includes it (the pipeline sees a pair's ticks in Kafka
 *       order, so the k-th tick of a window is in every state with tick_count >= k).
 *   <li>{@code push}: the same live load into the contract's table, which the candle server
 *       (serve/, its own process, from its jar) serves; a WebSocket client follows every pair's
 *       rolling stream, and a tick's push latency is from its send to the arrival of the first
 *       kline event of its newest window whose tick count includes it, beside the tick's
 *       latency to the table in the same run. With {@code --idleClients=N --slowClients=M},
 *       N idle clients and M slow ones (never reading) share the server with the measured one.
 * </ul>
 * Both end with a correctness check: every row's tick_count equals the count the generator
 * sent for that pair and window.
 */
public final class Bench {
  private static final long MINUTE = 60_000;

  private final Map<String, String> args;
  private final List<String> pipelineArgs = new ArrayList<>();

  private Bench(String[] argv) {
    args = new LinkedHashMap<>();
    for (String a : argv) {
      if (!a.startsWith("--") || !a.contains("=")) {
        throw new IllegalArgumentException("arguments are --name=value, got: " + a);
      }
      String k = a.substring(2, a.indexOf('='));
      if (k.startsWith("pipeline.")) {
        pipelineArgs.add("--" + k.substring("pipeline.".length()) + a.substring(a.indexOf('=')));
      } else {
        args.put(k, a.substring(a.indexOf('=') + 1));
      }
    }
  }

  private String arg(String name, String def) {
    String v = args.get(name);
    if (v == null && def == null) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return v == null ? def : v;
  }

  private long num(String name, long def) {
    return Long.parseLong(arg(name, Long.toString(def)).replace("_", ""));
  }

  public static void main(String[] argv) throws Exception {
    Bench b;
    try {
      b = new Bench(argv);
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      System.exit(2);
      return;
    }
    int code = b.run();
    System.exit(code);
  }

  private int run() throws Exception {
    String scenario = arg("scenario", "throughput");
    String bootstrap = arg("bootstrapServers", null);
    String runner = arg("runner", "DirectRunner");
    int pairs = (int) num("pairs", scenario.equals("latency") ? 20 : 50);
    int partitions = (int) num("partitions", 4);
    String id = scenario.equals("push") ? CandleTable.CONTRACT_TABLE
        : "bench_" + scenario + "_" + System.currentTimeMillis();
    String topic = ("bench_" + scenario + "_" + System.currentTimeMillis()).replace('_', '-');

    Preflight.kafka(bootstrap, topic, partitions, topic + "-dlq");
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("scenario", scenario);
    result.put("runner", runner);
    result.put("cores", Runtime.getRuntime().availableProcessors());
    result.put("pairs", pairs);
    result.put("partitions", partitions);
    result.put("pipelineArgs", String.join(" ", pipelineArgs));
    result.put("startedAt", Instant.now().toString());

    try (CandleTable table = new CandleTable(arg("jdbcUrl", null), arg("jdbcUser", "postgres"),
            arg("jdbcPassword", "postgres"), id);
        TickLoad load = new TickLoad(bootstrap, topic, pairs)) {
      table.create(Paths.get(arg("schema", "sql/schema.sql")));
      boolean ok = switch (scenario) {
        case "latency" -> latency(load, table, pairs, bootstrap, topic, runner, result);
        case "push" -> push(load, table, pairs, bootstrap, topic, runner, result);
        default -> throughput(load, table, pairs, bootstrap, topic, runner, result);
      };
      result.put("correct", ok);
      String json = toJson(result);
      System.out.println("RESULT " + json);
      String out = args.get("out");
      if (out != null) {
        Files.createDirectories(Paths.get(out).toAbsolutePath().getParent());
        Files.writeString(Paths.get(out), json + "\n", StandardCharsets.UTF_8);
      }
      return ok ? 0 : 1;
    }
  }

  // ------------------------------------------------------------------ throughput

  private boolean throughput(TickLoad load, CandleTable table, int pairs, String bootstrap,
      String topic, String runner, Map<String, Object> result) throws Exception {
    long n = num("ticks", 2_000_000);
    long timeLimit = num("timeLimitSeconds", 240) * 1000;
    // Ten minutes of event time ending seven minutes ago: every window has ended, so the
    // watermark (idle partitions once caught up) can make them all final.
    long end = (System.currentTimeMillis() / MINUTE) * MINUTE - 7 * MINUTE;
    long start = end - 10 * MINUTE;
    TickLoad.Sent sent = new TickLoad.Sent((int) n);
    long t0 = System.nanoTime();
    for (long i = 0; i < n; i++) {
      long eventTime = start + (i * (end - start)) / n;
      int p = (int) (i % pairs);
      sent.add(p, eventTime, load.send(p, eventTime));
    }
    load.flush();
    double preloadSeconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("preloaded %,d ticks over %d pairs in %.1f s%n", n, pairs, preloadSeconds);
    result.put("ticks", n);
    result.put("preloadSeconds", round(preloadSeconds));

    Process pipeline = startPipeline(bootstrap, topic, table.name, runner);
    try {
      long deadline = System.currentTimeMillis() + timeLimit + 120_000;
      long firstRowAt = 0;
      while (table.rows() == 0 && System.currentTimeMillis() < deadline && alive(pipeline)) {
        Thread.sleep(50);
      }
      firstRowAt = System.nanoTime();
      deadline = System.currentTimeMillis() + timeLimit;
      long reflectedAt = 0;
      long finalAt = 0;
      long reflected = 0;
      while (System.currentTimeMillis() < deadline && alive(pipeline)) {
        if (reflectedAt == 0) {
          reflected = table.ticksReflected(false);
          if (reflected == n) {
            reflectedAt = System.nanoTime();
          }
        }
        if (reflectedAt != 0 && table.ticksReflected(true) == n) {
          finalAt = System.nanoTime();
          break;
        }
        Thread.sleep(100);
      }
      if (reflectedAt == 0) {
        double s = (System.nanoTime() - firstRowAt) / 1e9;
        System.out.printf("NOT DONE: %,d of %,d ticks reflected after %.0f s (%s)%n", reflected, n, s,
            alive(pipeline) ? "time limit" : "the pipeline exited");
        result.put("ticksPerSecondLowerBound", Math.round(reflected / s));
        return false;
      }
      double reflectedSeconds = (reflectedAt - firstRowAt) / 1e9;
      result.put("secondsToReflectAll", round(reflectedSeconds));
      result.put("ticksPerSecond", Math.round(n / reflectedSeconds));
      if (finalAt != 0) {
        double finalSeconds = (finalAt - firstRowAt) / 1e9;
        result.put("secondsToAllFinal", round(finalSeconds));
      }
      System.out.printf("throughput: %,d ticks reflected in %.1f s = %,d ticks/s%s%n", n,
          reflectedSeconds, Math.round(n / reflectedSeconds),
          finalAt == 0 ? " (not all final in time)" : String.format(", all final after %.1f s",
              (finalAt - firstRowAt) / 1e9));
      return check(table, sent, load.pairs(), true) && finalAt != 0;
    } finally {
      stop(pipeline);
    }
  }

  // ------------------------------------------------------------------ latency

  private boolean latency(TickLoad load, CandleTable table, int pairs, String bootstrap,
      String topic, String runner, Map<String, Object> result) throws Exception {
    long ratePerPair = num("ratePerPair", 400);
    // 30 s: the per-tick log (latencyLog) showed the pipeline's JVM still settling (JIT, heap
    // sizing) until 20 to 30 s after its start, with a tail three times the steady one.
    long warmupMillis = num("warmupSeconds", 30) * 1000;
    long durationMillis = num("durationSeconds", 60) * 1000;
    long total = ratePerPair * pairs * (warmupMillis + durationMillis) / 1000;
    table.addAuditTrigger();
    TickLoad.Sent sent = new TickLoad.Sent((int) total + pairs);

    Process pipeline = startPipeline(bootstrap, topic, table.name, runner);
    try {
      // Wait until the pipeline is up: one tick, then its row.
      if (!awaitFirstRow(load, sent, table, pipeline)) {
        return false;
      }
      // A fixed rate, paced against the clock: each millisecond sends what is due by then.
      long begin = System.currentTimeMillis();
      long measuredFrom = begin + warmupMillis;
      RowWritesAt writes = new RowWritesAt(table, measuredFrom);
      CoresUsed cores = new CoresUsed(pipeline, measuredFrom);
      CpuLog.Sampler cpu = CpuLog.Sampler.start(cpuLog(table.name));
      double achieved = sendPaced(load, sent, ratePerPair, begin, measuredFrom + durationMillis, now -> {
        writes.at(now);
        cores.at(now);
      });
      String rowWrites = writes.end(result);
      String coresUsed = cores.end(result);
      // Let the pipeline drain, then measure from the database's log.
      drain(table, sent.size);
      stopSampling(cpu);
      Thread.sleep(1000);
      Map<String, CandleTable.LongList> audit = table.audit();
      TickFlights flights = latencies(audit, sent, load.pairs(), measuredFrom, latencyLog(""));
      Percentiles p = flights.percentiles();
      Percentiles rewrites = RowRewrites.intervals(audit, measuredFrom, measuredFrom + durationMillis);
      result.put("rowRewriteMillisP50", rewrites.p50());
      result.put("rowRewriteMillisP95", rewrites.p95());
      result.put("ratePerPair", ratePerPair);
      result.put("targetTicksPerSecond", ratePerPair * pairs);
      result.put("achievedTicksPerSecond", Math.round(achieved));
      result.put("measuredTicks", p.count());
      result.put("latencyMillisP50", p.p50());
      result.put("latencyMillisP95", p.p95());
      result.put("latencyMillisP99", p.p99());
      result.put("latencyMillisMax", p.max());
      String tail = explainTail(flights, measuredFrom, table.name, runner, result);
      System.out.printf("latency at %,d ticks/s (%d pairs x %d/s; achieved %,.0f/s): p50 %d ms, "
          + "p95 %d ms, p99 %d ms, max %d ms over %,d ticks; %s%n", ratePerPair * pairs, pairs,
          ratePerPair, achieved, p.p50(), p.p95(), p.p99(), p.max(), p.count(), rowWrites);
      System.out.println("  " + coresUsed);
      // A tick waits for its row's next write: the time between them is the flat part of the latency.
      // (Its maximum is a final pane's, written seconds after the window's last early one.)
      System.out.printf("  a row rewritten every %d ms (p50), %d ms (p95)%n", rewrites.p50(), rewrites.p95());
      System.out.print(tail);
      return check(table, sent, load.pairs(), false) && p.count() > 0;
    } finally {
      stop(pipeline);
    }
  }

  /**
   * Where the latency of each measured tick is written (send time and latency in milliseconds, one
   * line each), next to the JSON result; null without {@code --out}. It shows when the slow ticks
   * were sent: a tail that comes in bursts every few seconds is a pause, not a slow path.
   */
  private Path latencyLog(String kind) {
    String out = args.get("out");
    return out == null ? null : Paths.get(out.replaceAll("\\.json$", "") + kind + "-latencies.csv");
  }

  /**
   * Latency of every tick sent at or after {@code from}, against a log of when each window's
   * states were seen ("pair|openTime" -> seenAt, tickCount, ... in time order: the table's audit
   * trigger, or a WebSocket client's arrivals); a tick never seen is counted as missing.
   */
  private static TickFlights latencies(Map<String, CandleTable.LongList> audit, TickLoad.Sent sent,
      List<String> pairs, long from, Path csvFile) throws Exception {
    // For each window: the time at which its tick_count first reached each value (prefix max).
    long[] latency = new long[sent.size];
    long[] sendTime = new long[sent.size];
    StringBuilder csv = csvFile == null ? null : new StringBuilder("send_time_ms,latency_ms\n");
    int n = 0;
    int missing = 0;
    Map<String, Integer> rank = new HashMap<>();
    for (int i = 0; i < sent.size; i++) {
      long window = Math.floorDiv(sent.eventTime[i], MINUTE) * MINUTE;
      // The newest window holding the tick starts at its minute; its rank there, in send order.
      String key = pairs.get(sent.pair[i]) + "|" + window;
      int k = rank.merge(key, 1, Integer::sum);
      if (sent.sendTime[i] < from) {
        continue;
      }
      CandleTable.LongList log = audit.get(key);
      long seen = -1;
      if (log != null) {
        for (int j = 0; j < log.size; j += 2) {
          if (log.a[j + 1] >= k) {
            seen = log.a[j];
            break;
          }
        }
      }
      if (seen < 0) {
        missing++;
        continue;
      }
      sendTime[n] = sent.sendTime[i];
      latency[n++] = Math.max(0, seen - sent.sendTime[i]);
      if (csv != null) {
        csv.append(sent.sendTime[i]).append(',').append(latency[n - 1]).append('\n');
      }
    }
    if (csv != null) {
      Files.createDirectories(csvFile.toAbsolutePath().getParent());
      Files.writeString(csvFile, csv, StandardCharsets.UTF_8);
    }
    if (missing > 0) {
      System.out.printf("%,d measured ticks never became visible%n", missing);
    }
    return new TickFlights(sendTime, latency, n);
  }

  /**
   * Which tail sources ran while the slow ticks were in flight, from the logs of this run: the
   * pipeline's GC log, Flink's checkpoint lines (in the pipeline's log on a mini-cluster, else
   * --flinkLog) and PostgreSQL's log (--pgLog); printed, and put into the result.
   */
  private String explainTail(TickFlights flights, long measuredFrom, String table, String runner,
      Map<String, Object> result) {
    Path logDir = Paths.get(arg("logDir", "target")).toAbsolutePath();
    Path flinkLog = !runner.equals("FlinkRunner") ? null
        : Paths.get(arg("flinkLog", logDir.resolve(table + ".log").toString()));
    String pgLog = args.get("pgLog");
    Path cpuLog = cpuLog(table);
    TailEvidence evidence = TailEvidence.read(submitted() ? null : gcLog(table), flinkLog, pgLog == null ? null : Paths.get(pgLog),
        Files.isRegularFile(cpuLog) ? cpuLog : null, System.currentTimeMillis());
    return TailReport.explain(flights, measuredFrom, evidence, result);
  }

  /** The machine's core usage during a latency run ({@link CpuLog}), next to the pipeline's output. */
  private Path cpuLog(String table) {
    return Paths.get(arg("logDir", "target"), table + "-cpu.csv").toAbsolutePath();
  }

  private static void stopSampling(CpuLog.Sampler cpu) throws InterruptedException {
    if (cpu != null) {
      cpu.close();
    }
  }

  /** The pipeline JVM's unified GC log, next to its output. */
  private Path gcLog(String table) {
    return Paths.get(arg("logDir", "target"), table + "-gc.log").toAbsolutePath();
  }

  /** Samples the candle table's write counters once, the first time the clock reaches {@code at}. */
  private static final class RowWritesAt {
    private final CandleTable table;
    private final long at;
    private RowWrites start;

    RowWritesAt(CandleTable table, long at) {
      this.table = table;
      this.at = at;
    }

    void at(long now) throws Exception {
      if (start == null && now >= at) {
        start = table.rowWrites();
      }
    }

    /** Writes per second and HOT updates per second from the first sample to now, into the result. */
    String end(Map<String, Object> result) throws Exception {
      if (start == null) {
        start = table.rowWrites();
      }
      RowWrites end = table.rowWrites();
      long perSecond = Math.round(end.perSecondSince(start));
      long hotPerSecond = Math.round(end.hotPerSecondSince(start));
      result.put("rowWritesPerSecond", perSecond);
      result.put("hotUpdatesPerSecond", hotPerSecond);
      return String.format("%,d row writes/s (%,d of them HOT updates)", perSecond, hotPerSecond);
    }
  }

  // ------------------------------------------------------------------ push

  private boolean push(TickLoad load, CandleTable table, int pairs, String bootstrap, String topic,
      String runner, Map<String, Object> result) throws Exception {
    long ratePerPair = num("ratePerPair", 400);
    long warmupMillis = num("warmupSeconds", 30) * 1000;
    long durationMillis = num("durationSeconds", 60) * 1000;
    int idle = (int) num("idleClients", 0);
    int slowClients = (int) num("slowClients", 0);
    long total = ratePerPair * pairs * (warmupMillis + durationMillis) / 1000;
    table.addAuditTrigger();
    TickLoad.Sent sent = new TickLoad.Sent((int) total + pairs);
    int port = Ports.free();
    String base = "http://127.0.0.1:" + port;
    Process server = startServer(port);
    try (PushClients clients = new PushClients(base, load.pairs());
        CommitListener commits = new CommitListener(arg("jdbcUrl", null), arg("jdbcUser", "postgres"),
            arg("jdbcPassword", "postgres"))) {
      clients.connectFast();
      clients.connectCrowd(idle);
      for (int i = 0; i < slowClients; i++) {
        clients.connectSlow();
      }
      System.out.printf("candle server at %s: 1 measured client, %d idle, %d slow%n", base, idle, slowClients);
      Process pipeline = startPipeline(bootstrap, topic, table.name, runner);
      try {
        if (!awaitFirstRow(load, sent, table, pipeline)) {
          return false;
        }
        clients.record(true);
        long begin = System.currentTimeMillis();
        long measuredFrom = begin + warmupMillis;
        long[] nextSlowSwap = {begin + 20_000};
        RowWritesAt writes = new RowWritesAt(table, measuredFrom);
        CpuLog.Sampler cpu = CpuLog.Sampler.start(cpuLog(table.name));
        double achieved = sendPaced(load, sent, ratePerPair, begin, measuredFrom + durationMillis, now -> {
          writes.at(now);
          if (slowClients > 0 && now >= nextSlowSwap[0]) {
            // Before the server's slow-client timeout (30 s) closes it: a slow client is always there.
            for (int i = 0; i < slowClients; i++) {
              clients.replaceSlow();
            }
            nextSlowSwap[0] = now + 20_000;
          }
        });
        String rowWrites = writes.end(result);
        drain(table, sent.size);
        stopSampling(cpu);
        Thread.sleep(2000);
        clients.record(false);
        TickFlights toTableFlights = latencies(table.audit(), sent, load.pairs(), measuredFrom, latencyLog("-table"));
        Percentiles toTable = toTableFlights.percentiles();
        Map<String, CandleTable.LongList> arrivals = clients.arrivals();
        Percentiles toClient = latencies(arrivals, sent, load.pairs(), measuredFrom, latencyLog("-push")).percentiles();
        Map<String, CandleTable.LongList> audit = table.audit();
        Map<String, CandleTable.LongList> committed = commits.log();
        Percentiles added = pushAdds(audit, arrivals, sent, load.pairs(), measuredFrom);
        Percentiles toCommit = pushAdds(audit, committed, sent, load.pairs(), measuredFrom);
        Percentiles byServer = pushAdds(committed, arrivals, sent, load.pairs(), measuredFrom);
        result.put("ratePerPair", ratePerPair);
        result.put("targetTicksPerSecond", ratePerPair * pairs);
        result.put("achievedTicksPerSecond", Math.round(achieved));
        result.put("idleClients", idle);
        result.put("slowClients", slowClients);
        result.put("measuredTicks", toClient.count());
        result.put("latencyMillisP50", toClient.p50());
        result.put("latencyMillisP95", toClient.p95());
        result.put("latencyMillisP99", toClient.p99());
        result.put("latencyMillisMax", toClient.max());
        result.put("tableLatencyMillisP50", toTable.p50());
        result.put("tableLatencyMillisP95", toTable.p95());
        result.put("tableLatencyMillisP99", toTable.p99());
        result.put("tableLatencyMillisMax", toTable.max());
        result.put("pushAddsMillisP50", added.p50());
        result.put("pushAddsMillisP95", added.p95());
        result.put("pushAddsMillisP99", added.p99());
        result.put("pushAddsMillisMax", added.max());
        result.put("commitAddsMillisP50", toCommit.p50());
        result.put("commitAddsMillisP99", toCommit.p99());
        result.put("serverAddsMillisP50", byServer.p50());
        result.put("serverAddsMillisP95", byServer.p95());
        result.put("serverAddsMillisP99", byServer.p99());
        result.put("serverAddsMillisMax", byServer.max());
        result.put("crowdEvents", clients.crowdEvents());
        result.put("serverStatus", httpGet(base + "/status"));
        // The tail sources are the pipeline's and the database's: attributed for the ticks' way to the table.
        String tail = explainTail(toTableFlights, measuredFrom, table.name, runner, result);
        System.out.printf("push at %,d ticks/s (%d pairs x %d/s; achieved %,.0f/s), %d idle and %d slow clients:%n"
            + "  tick sent -> row visible in the table:        p50 %d ms, p95 %d ms, p99 %d ms, max %d ms over %,d ticks; %s%n"
            + "  tick sent -> kline event at a WebSocket client: p50 %d ms, p95 %d ms, p99 %d ms, max %d ms over %,d ticks%n"
            + "  what the push adds, tick by tick (event arrival - row written): p50 %d ms, p95 %d ms, p99 %d ms, max %d ms%n"
            + "    of which the rest of the writing transaction (row written - commit seen by a bare LISTEN): p50 %d ms, p99 %d ms%n"
            + "    and the server (commit seen by a bare LISTEN - event at its WebSocket client): p50 %d ms, p95 %d ms, p99 %d ms, max %d ms%n"
            + "  the idle clients took %,d events; server %s%n",
            ratePerPair * pairs, pairs, ratePerPair, achieved, idle, slowClients,
            toTable.p50(), toTable.p95(), toTable.p99(), toTable.max(), toTable.count(), rowWrites,
            toClient.p50(), toClient.p95(), toClient.p99(), toClient.max(), toClient.count(),
            added.p50(), added.p95(), added.p99(), added.max(), toCommit.p50(), toCommit.p99(),
            byServer.p50(), byServer.p95(), byServer.p99(), byServer.max(), clients.crowdEvents(),
            result.get("serverStatus"));
        System.out.print("  the ticks' way to the table:\n" + tail);
        return check(table, sent, load.pairs(), false) && toClient.count() > 0
            && toClient.count() == toTable.count();
      } finally {
        stop(pipeline);
      }
    } finally {
      stop(server);
    }
  }

  /**
   * Per tick, how much later the second log saw it than the first: e.g. the WebSocket client's
   * arrival of the first event including it minus the first row state including it in the
   * table's audit (taken as the row is written, inside the transaction; the notification leaves
   * at commit, so that difference includes the rest of the writing transaction).
   */
  private static Percentiles pushAdds(Map<String, CandleTable.LongList> first, Map<String, CandleTable.LongList> second,
      TickLoad.Sent sent, List<String> pairs, long from) {
    long[] added = new long[sent.size];
    int n = 0;
    Map<String, Integer> rank = new HashMap<>();
    for (int i = 0; i < sent.size; i++) {
      String key = pairs.get(sent.pair[i]) + "|" + Math.floorDiv(sent.eventTime[i], MINUTE) * MINUTE;
      int k = rank.merge(key, 1, Integer::sum);
      if (sent.sendTime[i] < from) {
        continue;
      }
      long table = firstWith(first.get(key), k);
      long push = firstWith(second.get(key), k);
      if (table >= 0 && push >= 0) {
        added[n++] = Math.max(0, push - table);
      }
    }
    return Percentiles.of(added, n);
  }

  /** The time of the first logged state with at least {@code k} ticks, or -1. */
  private static long firstWith(CandleTable.LongList log, int k) {
    if (log != null) {
      for (int j = 0; j < log.size; j += 2) {
        if (log.a[j + 1] >= k) {
          return log.a[j];
        }
      }
    }
    return -1;
  }

  /** The candle server from its jar, in its own JVM, as in production; returns once it is ready. */
  private Process startServer(int port) throws Exception {
    Path log = Paths.get(arg("logDir", "target"), "serve-" + port + ".log").toAbsolutePath();
    Files.createDirectories(log.getParent());
    Process p = new ProcessBuilder(JavaCommand.javaBinary(),
        "-Xmx" + arg("serveHeap", "512m"), "-jar", arg("serveJar", "serve/target/candles-serve.jar"),
        "--port=" + port, "--jdbcUrl=" + arg("jdbcUrl", null), "--setupJdbcUser=" + arg("jdbcUser", "postgres"),
        "--setupJdbcPassword=" + arg("jdbcPassword", "postgres"), "--maxClients=10000")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      if (answers("http://127.0.0.1:" + port + "/api/v3/ping")) {
        System.out.println("candle server: log " + log);
        return p;
      }
      if (!p.isAlive()) {
        throw new IllegalStateException("the candle server exited: " + Files.readString(log));
      }
      Thread.sleep(100);
    }
    stop(p);
    throw new IllegalStateException("the candle server did not start within 60 s; see " + log);
  }

  private static boolean answers(String url) {
    try {
      return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
          .timeout(java.time.Duration.ofSeconds(2)).build(), java.net.http.HttpResponse.BodyHandlers.discarding())
          .statusCode() == 200;
    } catch (java.io.IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String httpGet(String url) throws Exception {
    return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
        .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
  }

  // ------------------------------------------------------------------ shared

  /** Every row's tick_count equals what the generator sent for that pair and window. */
  private static boolean check(CandleTable table, TickLoad.Sent sent, List<String> pairs,
      boolean allFinal) throws Exception {
    Map<String, Long> expected = new HashMap<>();
    for (int i = 0; i < sent.size; i++) {
      long minute = Math.floorDiv(sent.eventTime[i], MINUTE) * MINUTE;
      for (int k = 0; k < 5; k++) {
        expected.merge(pairs.get(sent.pair[i]) + "|" + (minute - k * MINUTE), 1L, Long::sum);
      }
    }
    long[] notFinal = new long[1];
    Map<String, Long> actual = table.counts(notFinal);
    int wrong = 0;
    for (Map.Entry<String, Long> e : expected.entrySet()) {
      if (!e.getValue().equals(actual.get(e.getKey()))) {
        if (wrong++ < 5) {
          System.out.println("  window " + e.getKey() + ": expected " + e.getValue() + " ticks, table has "
              + actual.get(e.getKey()));
        }
      }
    }
    long extra = actual.keySet().stream().filter(k -> !expected.containsKey(k)).count();
    boolean ok = wrong == 0 && extra == 0 && (!allFinal || notFinal[0] == 0);
    System.out.printf("correctness: %s (%,d windows, %d wrong or missing, %d unexpected, %d not final)%n",
        ok ? "OK" : "FAILED", expected.size(), wrong, extra, notFinal[0]);
    return ok;
  }

  /** Starts the launcher in its own JVM, its output in a log file. */
  private Process startPipeline(String bootstrap, String topic, String table, String runner)
      throws IOException {
    List<String> jvm = new ArrayList<>(List.of("-Xmx" + arg("pipelineHeap", "4g")));
    jvm.addAll(FlinkJvmOptions.JAVA17);
    // Its GC pauses, with wall-clock times, for the tail attribution (filecount=0: one file, never rotated).
    Files.createDirectories(gcLog(table).getParent());
    jvm.add("-Xlog:gc*:file=" + gcLog(table) + ":time,uptime,level,tags:filecount=0");
    // For profiling the pipeline alone, e.g. BENCH_EXTRA="--pipelineJvmOpts=-XX:StartFlightRecording=filename=p.jfr,settings=profile"
    String jvmOpts = arg("pipelineJvmOpts", "").trim();
    if (!jvmOpts.isEmpty()) {
      jvm.addAll(List.of(jvmOpts.split("\\s+")));
    }
    List<String> args = new ArrayList<>(List.of(
        "--runner=" + runner,
        "--bootstrapServers=" + bootstrap, "--topic=" + topic, "--dlqTopic=" + topic + "-dlq",
        "--jdbcUrl=" + arg("jdbcUrl", null), "--jdbcUser=" + arg("jdbcUser", "postgres"),
        "--jdbcPassword=" + arg("jdbcPassword", "postgres"), "--table=" + table));
    args.addAll(pipelineArgs);
    // In this JVM's process group (a Ctrl-C reaches it as before), and gone with this JVM.
    List<String> cmd = JavaCommand.of(CandlesLauncher.class).classpath(arg("launcherClasspath", null)).jvmOptions(jvm)
        .args(args).ownSession(false).build();
    Path log = Paths.get(arg("logDir", "target"), table + ".log").toAbsolutePath();
    Files.createDirectories(log.getParent());
    System.out.println("pipeline: " + runner + " " + String.join(" ", pipelineArgs) + " (log " + log + ")");
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /**
   * Whether the pipeline is still running. A job submitted to a session cluster outlives its
   * launcher, which exits 0 once the job is submitted; the cluster's owner (bench.sh) stops it.
   */
  private boolean alive(Process p) {
    return p.isAlive() || (submitted() && p.exitValue() == 0);
  }

  /** Whether the job goes to a session cluster, the launcher's JVM only submitting it. */
  private boolean submitted() {
    return pipelineArgs.stream().anyMatch(a -> a.startsWith("--flinkMaster=") && !a.equals("--flinkMaster=[local]"));
  }

  private static void stop(Process p) {
    Processes.stop(p, java.time.Duration.ofSeconds(30), java.time.Duration.ofMinutes(5));
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }

  private static String toJson(Map<String, Object> m) {
    StringBuilder sb = new StringBuilder("{");
    for (Map.Entry<String, Object> e : m.entrySet()) {
      if (sb.length() > 1) {
        sb.append(',');
      }
      sb.append('"').append(e.getKey()).append("\":");
      Object v = e.getValue();
      if (v instanceof Number || v instanceof Boolean) {
        sb.append(v);
      } else {
        io.candles.contract.Json.appendQuoted(sb, String.valueOf(v));
      }
    }
    return sb.append('}').toString();
  }

  /** Sends one tick and waits (up to 180 s) for the pipeline's first row; false, said, when none came. */
  private boolean awaitFirstRow(TickLoad load, TickLoad.Sent sent, CandleTable table, Process pipeline)
      throws Exception {
    long probe = System.currentTimeMillis();
    sent.add(0, probe, load.send(0, probe));
    load.flush();
    long deadline = System.currentTimeMillis() + 180_000;
    while (table.rows() == 0 && System.currentTimeMillis() < deadline && alive(pipeline)) {
      Thread.sleep(50);
    }
    if (table.rows() == 0) {
      System.out.println("NOT DONE: the pipeline wrote nothing within 180 s");
      return false;
    }
    return true;
  }

  /** Something to do once per millisecond turn of {@link #sendPaced}, given the time. */
  private interface Turn {
    void at(long now) throws Exception;
  }

  /**
   * Sends {@code ratePerPair} ticks a second for every pair, round robin, paced against the clock
   * from {@code begin} until {@code stopAt}: each millisecond sends what is due by then. Returns
   * the rate achieved, ticks per second.
   */
  private static double sendPaced(TickLoad load, TickLoad.Sent sent, double ratePerPair, long begin, long stopAt,
      Turn turn) throws Exception {
    int pairs = load.pairs().size();
    double perMilli = ratePerPair * pairs / 1000.0;
    long sentCount = 0;
    int next = 0;
    while (true) {
      long now = System.currentTimeMillis();
      if (now >= stopAt) {
        break;
      }
      turn.at(now);
      long due = (long) ((now - begin + 1) * perMilli);
      while (sentCount < due && sent.size < sent.pair.length) {
        sent.add(next, now, load.send(next, now));
        next = (next + 1) % pairs;
        sentCount++;
      }
      long sleep = 1 - (System.currentTimeMillis() - now);
      if (sleep > 0) {
        Thread.sleep(sleep);
      }
    }
    load.flush();
    return sentCount * 1000.0 / (System.currentTimeMillis() - begin);
  }

  /** Waits up to 30 s until the table reflects {@code expected} ticks. */
  private static void drain(CandleTable table, long expected) throws Exception {
    long drainUntil = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < drainUntil && table.ticksReflected(false) < expected) {
      Thread.sleep(200);
    }
  }
}
