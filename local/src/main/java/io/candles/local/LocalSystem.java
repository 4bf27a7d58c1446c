package io.candles.local;

import io.candles.devservices.KafkaBroker;
import io.candles.devservices.PostgresServer;
import io.candles.ingest.IngestMain;
import io.candles.simulator.SimulatorMain;
import io.candles.process.FlinkJvmOptions;
import io.candles.process.Ports;
import io.candles.runners.CandlesLauncher;
import io.candles.serve.ServeMain;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The whole system on this machine, each part a real process or server: a Kafka broker and
 * PostgreSQL (data under {@code --data-dir}), the exchange simulator, the ingester pointed at it,
 * the candle pipeline, and the candle server (the live chart, Binance-style REST and WebSocket);
 * then the candles live on screen until Ctrl-C or {@code --duration}.
 * Everything it started is stopped in order (ingester first, so nothing it received is lost;
 * the database last); running it again resumes from the kept data. The children run in sessions
 * of their own, so a Ctrl-C reaches only this JVM, whose shutdown hook stops them in that order.
 */
public final class LocalSystem {
  /** How long a Ctrl-C waits for a PostgreSQL start in progress, to stop what it started. */
  private static final long POSTGRES_START_WAIT_SECONDS = 120;

  private final LocalOptions options;
  private final List<Child> children = new ArrayList<>();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final CountDownLatch postgresStartDone = new CountDownLatch(1);
  private volatile boolean postgresStarting;
  private volatile DataDirLock lock;
  private volatile KafkaBroker kafka;
  private volatile PostgresServer postgres;

  private LocalSystem(LocalOptions options) {
    this.options = options;
  }

  /** Stopping began (Ctrl-C, or a failure): nothing more is started. */
  private static final class Stopping extends Exception {
    Stopping() {
      super("stopping", null, false, false);
    }
  }

  public static void main(String[] args) {
    if (LocalOptions.wantsHelp(args)) {
      System.out.print(LocalOptions.usage());
      System.exit(0);
    }
    LocalOptions options;
    try {
      options = LocalOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("run-local: " + e.getMessage());
      System.exit(2);
      return;
    }
    System.exit(new LocalSystem(options).run());
  }

  private int run() {
    Runtime.getRuntime().addShutdownHook(new Thread(this::onSignal, "run-local-shutdown"));
    try {
      return runChecked();
    } catch (Stopping e) {
      return 130;
    } catch (Child.ComponentFailure e) {
      fail(e.getMessage().lines().limit(2).toList());
      return 1;
    } catch (IllegalStateException | IllegalArgumentException e) {
      // Start-up failures of the services carry their log's tail after the first line.
      fail(List.of(e.getMessage().lines().findFirst().orElse("failed")));
      return 1;
    } catch (InterruptedException e) {
      stopAll();
      return 130;
    } catch (Exception e) {
      fail(List.of(e.toString()));
      return 1;
    }
  }

  private void fail(List<String> lines) {
    if (!stopping.get()) {
      for (String l : lines) {
        System.err.println("run-local: " + l);
      }
      if (postgresStarting) {
        System.err.println("run-local: stopping everything it started.");
      }
    }
    stopAll();
  }

  /** The shutdown hook: after our own stop it has nothing to do; else it is a Ctrl-C or SIGTERM. */
  private void onSignal() {
    if (!stopping.get()) {
      System.out.println();
      System.out.println("run-local: interrupted; stopping everything it started, the ingester first.");
    }
    stopAll();
  }

  private int runChecked() throws Exception {
    Path dataDir = options.dataDir();
    List<String> pairs = options.pairs();
    boolean flink = options.runner().equals("flink");
    // Everything that can be checked is checked before anything starts.
    int httpPort = options.httpPort() != 0 ? options.httpPort() : Ports.free();
    Ports.requireFree(httpPort, "the ingester's REST", "choose another with --http-port N");
    int servePort = options.servePort() != 0 ? options.servePort() : Ports.free();
    Ports.requireFree(servePort, "the candle server", "choose another with --serve-port N");
    Path serveJar = serveJar();
    lock = DataDirLock.acquire(dataDir);
    Path logs = dataDir.resolve("logs");

    System.out.println("run-local: starting Kafka and PostgreSQL (data in " + dataDir + ")");
    postgresStarting = true;
    try {
      postgres = PostgresServer.start(dataDir.resolve("postgres"));
    } finally {
      postgresStartDone.countDown();
    }
    checkNotStopping();
    kafka = KafkaBroker.start(dataDir.resolve("kafka"));
    checkNotStopping();

    String endpoint = null;
    if (options.source().equals("simulator")) {
      int simPort = Ports.free();
      Child sim = start("simulator", logs, List.of("-Xmx256m"), SimulatorMain.class,
          List.of("--port=" + simPort, "--pairs=" + String.join(",", pairs), "--rate=" + options.rate()));
      sim.awaitReady(() -> Ports.accepts(simPort), 60_000, "listen on port " + simPort);
      endpoint = "ws://127.0.0.1:" + simPort;
    }

    // Checked again: another program may have taken it while the services started.
    Ports.requireFree(httpPort, "the ingester's REST", "choose another with --http-port N");
    List<String> ingestArgs = new ArrayList<>(List.of("--exchange=binance",
        "--pairs=" + String.join(",", pairs), "--bootstrapServers=" + kafka.bootstrapServers(),
        "--httpPort=" + httpPort));
    if (endpoint != null) {
      ingestArgs.add("--endpoint=" + endpoint);
    }
    Child ingester = start("ingester", logs, List.of("-Xmx512m"), IngestMain.class, ingestArgs);
    String rest = "http://127.0.0.1:" + httpPort;
    ingester.awaitReady(() -> httpOk(rest + "/health"), 90_000, "answer " + rest + "/health");

    List<String> pipelineArgs = new ArrayList<>(List.of(
        "--runner=" + (flink ? "FlinkRunner" : "DirectRunner"),
        "--bootstrapServers=" + kafka.bootstrapServers(), "--jdbcUrl=" + postgres.jdbcUrl(),
        "--jdbcUser=" + postgres.user(), "--jdbcPassword=" + postgres.password()));
    if (flink) {
      pipelineArgs.add("--flinkMaster=[local]");
    }
    List<String> pipelineJvm = new ArrayList<>(List.of("-Xmx2g"));
    pipelineJvm.addAll(FlinkJvmOptions.JAVA17);
    Child pipeline = start("pipeline", logs, pipelineJvm, CandlesLauncher.class, pipelineArgs);
    pipeline.awaitReady(() -> pipeline.logContains("Candle pipeline running"), 180_000, "start");

    // The candle server, once the pipeline has made the table: from its own jar, as in production,
    // logging in as the read-only role that it sets up (with the trigger) as the table's owner.
    Ports.requireFree(servePort, "the candle server", "choose another with --serve-port N");
    Child serve = start("serve", logs, serveJar.toString(), List.of("-Xmx256m"), ServeMain.class,
        List.of("--port=" + servePort, "--jdbcUrl=" + postgres.jdbcUrl(), "--setupJdbcUser=" + postgres.user(),
            "--setupJdbcPassword=" + postgres.password()));
    String web = "http://127.0.0.1:" + servePort;
    serve.awaitReady(() -> httpOk(web + "/api/v3/ping"), 60_000, "listen on port " + servePort);
    String pair = pairs.get(0);

    int pgPort = postgres.port();
    System.out.println();
    System.out.println("Kafka broker:   " + kafka.bootstrapServers() + "  (topics ticks, ticks-dlq)");
    System.out.println("PostgreSQL:     psql \"postgresql://postgres@127.0.0.1:" + pgPort + "/postgres\""
        + "  (JDBC " + postgres.jdbcUrl() + ")");
    System.out.println("Ingester REST:  " + rest + "/status   stop the flow: curl -X POST " + rest
        + "/stop   resume: curl -X POST " + rest + "/start");
    System.out.println("Pipeline:       " + (flink ? "Flink mini-cluster" : "DirectRunner") + ", log " + pipeline.log);
    System.out.println("Source:         " + (endpoint != null ? "exchange simulator at " + endpoint : "Binance live feed"));
    System.out.println("Live chart:     " + web + "/");
    System.out.println("Binance API:    curl '" + web + "/api/v3/klines?symbol=" + pair + "&interval=5m&limit=12'"
        + "   (&step=1m: the rolling candles)");
    System.out.println("Binance stream: " + web.replace("http://", "ws://") + "/ws/" + pair.toLowerCase(java.util.Locale.ROOT)
        + "@kline_5m   (log " + serve.log + ")");
    System.out.println("PIDs:           " + pidLine());
    System.out.println();

    boolean tty = System.console() != null;
    long endAt = options.durationMillis() > 0 ? System.currentTimeMillis() + options.durationMillis() : Long.MAX_VALUE;
    try (LiveView view = new LiveView(postgres.jdbcUrl(), postgres.user(), postgres.password(), pairs, tty)) {
      while (System.currentTimeMillis() < endAt) {
        checkNotStopping();
        checkAlive();
        try {
          view.render(System.out);
        } catch (java.sql.SQLException e) {
          // Most likely the database just went away: say that, if so, rather than the driver's words.
          Thread.sleep(500);
          checkNotStopping();
          checkAlive();
          throw new Child.ComponentFailure("cannot read the candles from PostgreSQL: " + e.getMessage()
              + "\nsee " + postgres.logFile() + "; run again to resume from the kept data");
        }
        Thread.sleep(1000);
      }
    }
    checkNotStopping();
    System.out.println("run-local: --duration reached; stopping.");
    stopAll();
    return 0;
  }

  /** Every component still running, else a two-line report of the first that is not. */
  private void checkAlive() throws Stopping {
    for (Child c : children) {
      if (!c.isAlive()) {
        checkNotStopping();
        throw new Child.ComponentFailure(c.deathReport());
      }
    }
    if (!kafka.isRunning()) {
      checkNotStopping();
      throw new Child.ComponentFailure(FailureReport.died("the Kafka broker", kafka.pid(), kafka.exitValue(),
          FailureReport.tail(kafka.logFile()), kafka.logFile()));
    }
    if (!postgres.isRunning()) {
      checkNotStopping();
      throw new Child.ComponentFailure(FailureReport.died("PostgreSQL", postgres.pid(), -1,
          FailureReport.tail(postgres.logFile()), postgres.logFile()));
    }
  }

  private void checkNotStopping() throws Stopping {
    if (stopping.get()) {
      throw new Stopping();
    }
  }

  private Child start(String name, Path logs, List<String> jvm, Class<?> main, List<String> args)
      throws IOException, Stopping {
    return start(name, logs, System.getProperty("java.class.path"), jvm, main, args);
  }

  private Child start(String name, Path logs, String classpath, List<String> jvm, Class<?> main, List<String> args)
      throws IOException, Stopping {
    Child c;
    // Under the lock stopAll takes its list with: a child is either in that list or never started.
    synchronized (children) {
      checkNotStopping();
      c = Child.start(name, logs, classpath, jvm, main, args);
      children.add(c);
    }
    System.out.println("run-local: started " + name + " (pid " + c.pid() + ", log " + c.log + ")");
    return c;
  }

  /**
   * The candle server's runnable jar, which the build makes (serve/target, from the repository
   * root where run-local.sh runs).
   */
  private static Path serveJar() {
    Path jar = Path.of("serve", "target", "candles-serve.jar").toAbsolutePath();
    if (!java.nio.file.Files.exists(jar)) {
      throw new IllegalStateException("the candle server's jar " + jar + " is missing: build it with "
          + "mvn -pl serve -am package -DskipTests (run-local.sh does)");
    }
    return jar;
  }

  private String pidLine() {
    StringBuilder sb = new StringBuilder();
    sb.append("kafka=").append(kafka.pid()).append(" postgres=").append(postgres.pid());
    synchronized (children) {
      for (Child c : children) {
        sb.append(' ').append(c.name).append('=').append(c.pid());
      }
    }
    return sb.toString();
  }

  /**
   * Stops everything started, once: the ingester first (it flushes to Kafka), then the simulator
   * and the pipeline, the broker, and the database last. Each is reported as it goes, so the order
   * can be seen.
   */
  private void stopAll() {
    if (!stopping.compareAndSet(false, true)) {
      return;
    }
    List<Child> started;
    synchronized (children) {
      started = List.copyOf(children);
    }
    int stopped = 0;
    for (String name : List.of("serve", "ingester", "simulator", "pipeline")) {
      for (Child c : started) {
        if (c.name.equals(name)) {
          // With the broker gone there is nothing to flush to: no use waiting out the ingester's 30 s.
          c.stop(!name.equals("ingester") ? 15 : kafka != null && kafka.isRunning() ? 40 : 5);
          System.out.println("run-local: stopped the " + (name.equals("serve") ? "candle server" : name)
              + " (pid " + c.pid() + ")");
          stopped++;
        }
      }
    }
    KafkaBroker k = kafka;
    if (k != null) {
      k.stop();
      System.out.println("run-local: stopped the Kafka broker (pid " + k.pid() + ")");
      stopped++;
    }
    // A Ctrl-C while PostgreSQL starts: wait for the start to end, so that a postgres it brought
    // up is stopped rather than left behind (its start-up reports no PID before it is done).
    if (postgresStarting) {
      try {
        postgresStartDone.await(POSTGRES_START_WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    PostgresServer pg = postgres;
    if (pg != null) {
      pg.stop();
      System.out.println("run-local: stopped PostgreSQL (pid " + pg.pid() + ")");
      stopped++;
    }
    DataDirLock l = lock;
    if (l != null) {
      try {
        l.close();
      } catch (IOException e) {
        // The lock goes with the process anyway.
      }
    }
    if (postgresStarting) {
      System.out.println("run-local: stopped " + stopped + " components.");
    }
  }

  private static boolean httpOk(String url) {
    try {
      HttpResponse<Void> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).GET().build(),
          HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
