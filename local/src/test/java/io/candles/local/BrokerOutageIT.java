package io.candles.local;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.junit.Assert.assertTrue;

import io.candles.devservices.KafkaBroker;
import io.candles.ingest.IngestOptions;
import io.candles.ingest.Ingester;
import io.candles.ingest.exchange.binance.BinanceAdapter;
import io.candles.simulator.ExchangeSimulator;
import io.candles.testkit.CandleReference;
import io.candles.testkit.CandleTable;
import io.candles.testkit.Database;
import io.candles.testkit.FinalHistory;
import io.candles.testkit.Services;
import io.candles.testkit.TickStream;
import io.candles.testkit.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
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
  private PipelineProcess pipeline;

  @After
  public void tearDown() throws InterruptedException {
    if (pipeline != null) {
      pipeline.close();
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
    List<String> options = new ArrayList<>(List.of("--bootstrapServers=" + bootstrap, "--table=" + table));
    options.addAll(Arrays.asList(db.options()));
    pipeline = PipelineProcess.start(log, options);

    pipeline.await("final candles for every pair before the outage", Duration.ofSeconds(180), () -> {
      long pairsFinal = CandleTable.read(db, table).stream().filter(CandleTable.Row::isFinal)
          .map(CandleTable.Row::pair).distinct().count();
      return pairsFinal == PAIRS.size();
    });

    broker.stop();
    long receivedWhenDown = sim.sentCount();
    Thread.sleep(75_000);
    assertThat("the exchange kept sending and the ingester receiving", sim.sentCount(),
        greaterThan(receivedWhenDown + 4_000));
    broker = KafkaBroker.start(brokerData);
    assertThat(broker.bootstrapServers(), is(bootstrap));

    Thread.sleep(60_000);
    sim.pause();
    pipeline.await("every tick the simulator sent is in Kafka", Duration.ofSeconds(120),
        () -> ingester.publisherStats().ticksAcked() == sim.sentCount());
    long stoppedAt = System.currentTimeMillis();
    assertTrue("the pipeline survived the outage: " + pipeline.tail(), pipeline.isAlive());

    List<TickStream.Sent> ticks = Topics.ticks(bootstrap, "ticks");
    assertThat((long) ticks.size(), is(sim.sentCount()));
    long cutoff = stoppedAt - 10_000;
    history.assertNoEarlyFinal(CandleTable.awaitLive(db, table, ticks, cutoff, Duration.ofSeconds(120), pipeline::tail));
  }
}
