package io.candles.local;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.junit.Assert.assertTrue;

import io.candles.devservices.KafkaBroker;
import io.candles.ingest.IngestOptions;
import io.candles.ingest.Ingester;
import io.candles.ingest.exchange.binance.BinanceAdapter;
import io.candles.ingest.sim.ExchangeSimulator;
import io.candles.testkit.CandleReference;
import io.candles.testkit.CandleTable;
import io.candles.testkit.Database;
import io.candles.testkit.FinalHistory;
import io.candles.testkit.Services;
import io.candles.testkit.TickStream;
import io.candles.testkit.Topics;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.After;
import org.junit.Test;

/**
 * The broker goes away for longer than the idle timeout and the allowed lateness together (75 s
 * against 5 s + 1 min) while the exchange keeps sending and the ingester keeps receiving, buffering
 * what it cannot produce; then it comes back on the same port and data. The pipeline runs at its
 * defaults on the DirectRunner throughout.
 *
 * <p>Nothing may be finalised on the clock while the broker is away, and the ticks the ingester
 * buffered must count when they arrive: every window that has ended must equal the candles
 * computed from the topic, and none may have become final before all its ticks were in.
 */
public class BrokerOutageIT {
  private static final List<String> PAIRS = List.of("BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT");

  private KafkaBroker broker;
  private ExchangeSimulator sim;
  private Ingester ingester;
  private Process pipeline;

  @After
  public void tearDown() throws InterruptedException {
    if (pipeline != null) {
      pipeline.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    if (ingester != null) {
      ingester.close();
    }
    if (sim != null) {
      sim.close();
    }
    if (broker != null) {
      broker.stop();
    }
  }

  @Test
  public void anOutageDelaysFinalCandlesAndNeverFakesThem() throws Exception {
    Path brokerData = Services.dataDir("outage-kafka");
    broker = KafkaBroker.builder(brokerData).partitions(3).start();
    String bootstrap = broker.bootstrapServers();
    Database db = Services.database();
    String table = "candles_outage";
    Topics.create(bootstrap, "ticks", 3);
    Topics.create(bootstrap, "ticks-dlq", 1);
    CandleTable.create(db, table);
    FinalHistory history = FinalHistory.install(db, table);

    sim = ExchangeSimulator.start("127.0.0.1", 0, ExchangeSimulator.Config.of(PAIRS, 1_200));
    ingester = Ingester.create(IngestOptions.parse(new String[] {"--exchange", "simulator", "--pairs",
        String.join(",", PAIRS), "--bootstrapServers", bootstrap, "--httpPort", "0"}, Map.of()),
        BinanceAdapter.spot().named("simulator"), sim.endpoint());
    ingester.start();
    Path log = Services.dataDir("outage").resolve("pipeline.log");
    pipeline = startPipeline(log, "--bootstrapServers=" + bootstrap, "--table=" + table, db.options());

    await("final candles for every pair before the outage", Duration.ofSeconds(180), () -> {
      long pairsFinal = CandleTable.read(db, table).stream().filter(CandleTable.Row::isFinal)
          .map(CandleTable.Row::pair).distinct().count();
      return pairsFinal == PAIRS.size();
    }, log);

    broker.stop();
    long receivedWhenDown = sim.sentCount();
    Thread.sleep(75_000);
    assertThat("the exchange kept sending and the ingester receiving", sim.sentCount(),
        greaterThan(receivedWhenDown + 4_000));
    broker = KafkaBroker.start(brokerData);
    assertThat(broker.bootstrapServers(), is(bootstrap));

    Thread.sleep(60_000);
    sim.pause();
    await("every tick the simulator sent is in Kafka", Duration.ofSeconds(120),
        () -> ingester.publisherStats().ticksAcked() == sim.sentCount(), log);
    long stoppedAt = System.currentTimeMillis();
    assertTrue("the pipeline survived the outage: " + tail(log), pipeline.isAlive());

    List<TickStream.Sent> ticks = Topics.ticks(bootstrap, "ticks");
    assertThat((long) ticks.size(), is(sim.sentCount()));
    long cutoff = stoppedAt - 10_000;
    List<CandleTable.Row> expected = CandleReference.asOf(CandleReference.candles(ticks), cutoff);
    CandleTable.awaitEqualsViewed(db, table, expected, r -> CandleReference.finalOnlyBy(r, cutoff),
        Duration.ofSeconds(120), () -> tail(log));
    history.assertNoEarlyFinal(CandleReference.endingBy(expected, cutoff));
  }

  /** The launcher on this module's classpath, in a JVM of its own, as run-local starts it. */
  private static Process startPipeline(Path log, String bootstrapOption, String tableOption, String[] db)
      throws IOException {
    String classpath = Paths.get("target", "classes").toAbsolutePath() + File.pathSeparator
        + Files.readString(Paths.get("target", "runtime.classpath"), StandardCharsets.UTF_8).trim();
    List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java")
        .toString(), "-Xmx768m", "-Dcandles.parentPid=" + ProcessHandle.current().pid(), "-cp", classpath,
        "io.candles.runners.CandlesLauncher", bootstrapOption, tableOption));
    command.addAll(Arrays.asList(db));
    Files.createDirectories(log.getParent());
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private void await(String what, Duration timeout, BooleanSupplier done, Path log) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline || !pipeline.isAlive()) {
        throw new AssertionError("not reached within " + timeout + ": " + what + "\n" + tail(log));
      }
      Thread.sleep(500);
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log).stream().filter(l -> !l.startsWith("\tat ")).toList();
      return "last lines of " + log + ":\n  " + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 25),
          lines.size()));
    } catch (IOException e) {
      return "(no log at " + log + ")";
    }
  }
}
