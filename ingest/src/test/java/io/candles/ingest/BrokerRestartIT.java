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
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.Rule;
import org.junit.Test;

/**
 * The broker goes away mid-stream and comes back on the same port and data: nothing the ingester
 * received is lost, nothing is written twice, and order per pair holds (idempotent producer).
 */
public class BrokerRestartIT {
  private static final List<String> PAIRS = List.of("BTCUSDT", "ETHUSDT");

  @Rule
  public final IngestRig rig = new IngestRig();

  private void run(boolean kill) throws Exception {
    String bootstrap = rig.bootstrapServers();
    KafkaTopics.create(bootstrap, "ticks", "ticks-dlq");
    ExchangeSimulator sim = rig.simulator(ExchangeSimulator.Config.of(PAIRS, 6_000).recording());
    Ingester ingester = rig.ingester(BinanceAdapter.spot().named("simulator"),
        "--exchange", "simulator", "--pairs", String.join(",", PAIRS), "--bootstrapServers", bootstrap,
        "--queueCapacity", "200", "--shutdownTimeout", "60s");
    ingester.start();
    Await.until("ticks acknowledged", 30_000, () -> ingester.publisherStats().ticksAcked() > 200);

    if (kill) {
      rig.broker().kill();
    } else {
      rig.broker().stop();
    }
    long ackedWhenDown = ingester.publisherStats().ticksAcked();
    long sentWhenDown = sim.sentCount();
    // The ticks keep coming while the broker is away: they wait in the producer and the buffer
    // (capacity 200 here, so the socket reader also gets to block).
    Await.until("ticks received while the broker is down", 30_000, () -> sim.sentCount() > sentWhenDown + 500);
    PublisherStats during = ingester.publisherStats();
    assertThat("nothing acknowledged by a broker that is down", during.ticksAcked() - ackedWhenDown < 50, is(true));

    assertThat(rig.broker().restart().bootstrapServers(), is(bootstrap));
    Await.until("acknowledgements after the restart", 60_000,
        () -> ingester.publisherStats().ticksAcked() > sentWhenDown + 500);
    sim.pause();
    Thread.sleep(200);
    Await.until("every sent tick acknowledged", 90_000,
        () -> ingester.publisherStats().ticksAcked() == sim.sentCount(),
        () -> "sent " + sim.sentCount() + ", " + ingester.publisherStats());
    PublisherStats after = ingester.publisherStats();
    assertThat(after.ticksFailed(), is(0L));
    assertThat(after.deadLettersFailed(), is(0L));

    List<ConsumerRecord<String, String>> records =
        KafkaTopics.readAll(bootstrap, "ticks", sim.sentCount(), Duration.ofSeconds(60));
    assertThat((long) records.size(), is(sim.sentCount()));
    Delivered.assertExactlyOnceInOrder(records, sim, PAIRS, "simulator");
    assertThat(KafkaTopics.count(bootstrap, "ticks-dlq"), is(0L));
    assertThat(sim.sentCount(), greaterThan(sentWhenDown + 500));
  }

  @Test
  public void brokerStoppedAndRestartedMidStreamLosesNothing() throws Exception {
    run(false);
  }

  @Test
  public void brokerKilledAndRestartedMidStreamLosesNothing() throws Exception {
    run(true);
  }
}
