package io.candles.ingest;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

import io.candles.ingest.exchange.binance.BinanceAdapter;
import io.candles.ingest.kafka.PublisherStats;
import io.candles.simulator.ExchangeSimulator;
import io.candles.testkit.Await;
import io.candles.ingest.testing.Delivered;
import io.candles.ingest.testing.IngestRig;
import io.candles.ingest.testing.KafkaTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.Rule;
import org.junit.Test;

/**
 * The load, end to end: the simulator at 50 pairs x 25,000 ticks per minute (about 20,800
 * ticks/s) for 12 s, through the real ingester, into a real broker. What is asserted is
 * correctness under that load (every tick once, in order per pair; the socket reader never had to
 * wait for room; the backlog drains as soon as the flow stops), not a timing figure: the figures
 * come from {@code scripts/bench-ingest.sh}.
 */
public class IngestThroughputIT {
  static final int PAIR_COUNT = 50;
  static final int TICKS_PER_MINUTE = 25_000;

  @Rule
  public final IngestRig rig = new IngestRig();

  /** BTCUSDT, ETHUSDT, BNBUSDT and then made-up ones: {@code P03USDT} ... */
  static List<String> pairs(int n) {
    List<String> pairs = new ArrayList<>(List.of("BTCUSDT", "ETHUSDT", "BNBUSDT"));
    for (int i = pairs.size(); i < n; i++) {
      pairs.add(String.format("P%02dUSDT", i));
    }
    return pairs.subList(0, n);
  }

  @Test
  public void fiftyPairsAt25000TicksPerMinuteArriveOnceInOrderAndTheIngesterKeepsUp() throws Exception {
    List<String> pairs = pairs(PAIR_COUNT);
    String bootstrap = rig.bootstrapServers();
    KafkaTopics.create(bootstrap, "ticks", "ticks-dlq");
    ExchangeSimulator sim = rig.simulator(ExchangeSimulator.Config.of(pairs, TICKS_PER_MINUTE).recording());
    sim.pause(); // the clock starts once the ingester is connected
    Ingester ingester = rig.ingester(BinanceAdapter.spot().named("simulator"),
        "--exchange", "simulator", "--pairs", String.join(",", pairs), "--bootstrapServers", bootstrap,
        "--shutdownTimeout", "60s");
    ingester.start();
    Await.until("connected", 20_000, () -> sim.openConnections() == 1);
    Thread.sleep(300); // the subscription is in the URL: nothing to wait for but the handshake's end

    sim.resume();
    long startedAt = System.nanoTime();
    int maxDepth = 0;
    while (System.nanoTime() - startedAt < Duration.ofSeconds(12).toNanos()) {
      Thread.sleep(50);
      maxDepth = Math.max(maxDepth, ingester.publisherStats().queueDepth());
    }
    sim.pause();
    double seconds = (System.nanoTime() - startedAt) / 1e9;
    Thread.sleep(200); // the generator's last round
    long sent = sim.sentCount();
    long pausedAt = System.nanoTime();
    // Kept up: what was sent is acknowledged within seconds of the flow stopping. A backlog that
    // had grown through the run would take as long to drain as it took to build.
    // The limit is generous, for a machine shared with other test runs: the drain times measured
    // are the benchmark's (scripts/bench-ingest.sh, in the README), not this test's.
    Await.until("every sent tick acknowledged soon after the flow stopped", 15_000,
        () -> ingester.publisherStats().ticksAcked() == sim.sentCount(),
        () -> "sent " + sim.sentCount() + ", " + ingester.publisherStats());
    double drainSeconds = (System.nanoTime() - pausedAt) / 1e9;
    PublisherStats s = ingester.publisherStats();
    System.out.printf("ingest throughput: %d ticks sent in %.1f s (%.0f/s) over %d pairs; largest buffer depth %d"
        + " of %d; acknowledged %.2f s after the flow stopped; reader waits %d%n",
        sent, seconds, sent / seconds, PAIR_COUNT, maxDepth, s.queueCapacity(), drainSeconds, s.queueFullWaits());

    // The load was really offered (a CPU-starved simulator falls behind its schedule; then this run
    // would prove nothing about the ingester).
    assertThat("the simulator offered the load (" + Math.round(sent / seconds) + "/s)",
        sent / seconds > 0.8 * PAIR_COUNT * TICKS_PER_MINUTE / 60.0, is(true));
    assertThat("the socket reader never waited for room in the buffer", s.queueFullWaits(), is(0L));
    assertThat(s.ticksFailed(), is(0L));
    assertThat(s.sendRetries(), is(0L));
    assertThat(ingester.snapshot().connections().get(0).gaps(), is(0L));
    assertThat(ingester.snapshot().connections().get(0).reconnects(), is(0L));

    List<ConsumerRecord<String, String>> records = KafkaTopics.readAll(bootstrap, "ticks", sent, Duration.ofSeconds(60));
    assertThat((long) records.size(), is(sent));
    Delivered.assertExactlyOnceInOrder(records, sim, pairs, "simulator");
    assertThat(KafkaTopics.count(bootstrap, "ticks-dlq"), is(0L));
    assertThat(sent, greaterThan(0L));
  }
}
