package io.candles.ingest;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import io.candles.ingest.exchange.binance.BinanceAdapter;
import io.candles.ingest.http.ControlServer;
import io.candles.ingest.testing.JsonText;
import io.candles.ingest.kafka.KafkaPublisher;
import io.candles.ingest.kafka.OutRecord;
import io.candles.ingest.kafka.ProducerSettings;
import io.candles.contract.DeadLetter;
import io.candles.contract.Tick;
import io.candles.contract.TickJson;
import io.candles.simulator.ExchangeSimulator;
import io.candles.simulator.SimQuote;
import io.candles.testkit.Await;
import io.candles.ingest.testing.BrokerRule;
import io.candles.ingest.testing.Delivered;
import io.candles.ingest.testing.IngestRig;
import io.candles.ingest.testing.Http;
import io.candles.ingest.testing.KafkaTopics;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.java_websocket.WebSocket;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ServerHandshake;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TestName;

/**
 * The ingester end to end: the simulator over a real WebSocket, a real Kafka broker, the REST API
 * over HTTP; what arrives is read back with kafka-clients and parsed with the contract's TickJson.
 */
public class IngestKafkaIT {
  private static final String TOKEN = "it-token";
  private static final List<String> PAIRS = List.of("BTCUSDT", "ETHUSDT", "BNBUSDT");

  @ClassRule
  public static final BrokerRule BROKER = new BrokerRule();

  @Rule
  public final IngestRig rig = new IngestRig(BROKER);

  @Rule
  public final TestName name = new TestName();

  private ExchangeSimulator sim;
  private Ingester ingester;
  private ControlServer http;
  private String topic;
  private String dlq;

  /** A simulator at {@code rate} per pair, and an ingester on it with its own topics and REST port. */
  private void start(int rate, String... extraArgs) throws Exception {
    start(ExchangeSimulator.Config.of(PAIRS, rate).recording(), BinanceAdapter.spot().named("simulator"), extraArgs);
  }

  private void start(ExchangeSimulator.Config config, BinanceAdapter adapter, String... extraArgs) throws Exception {
    topic = "ticks-" + name.getMethodName();
    dlq = topic + "-dlq";
    KafkaTopics.create(rig.bootstrapServers(), topic, dlq);
    sim = rig.simulator(config);
    List<String> args = new ArrayList<>(List.of(
        "--exchange", "simulator", "--endpoint", sim.endpoint().toString(), "--pairs", String.join(",", PAIRS),
        "--bootstrapServers", rig.bootstrapServers(), "--topic", topic, "--dlqTopic", dlq,
        "--httpPort", "0", "--token", TOKEN, "--silenceTimeout", "5s", "--pingInterval", "500ms",
        "--backoffBase", "50ms", "--backoffCap", "500ms", "--shutdownTimeout", "30s"));
    args.addAll(List.of(extraArgs));
    ingester = rig.ingester(adapter, args.toArray(new String[0]));
    http = rig.http(TOKEN);
    ingester.start();
  }

  /** Stops the simulator's flow and waits until Kafka has acknowledged every tick it sent. */
  private void pauseAndAwaitAllAcked() throws InterruptedException {
    sim.pause();
    Thread.sleep(200);
    Await.until("every sent tick acknowledged", 60_000,
        () -> ingester.publisherStats().ticksAcked() == sim.sentCount(),
        () -> "sent " + sim.sentCount() + ", " + ingester.publisherStats());
  }

  private void assertNoDeadLetters() throws Exception {
    List<ConsumerRecord<String, String>> dead =
        KafkaTopics.readAll(rig.bootstrapServers(), dlq, 0, Duration.ZERO);
    List<String> values = new ArrayList<>();
    dead.forEach(r -> values.add(r.value()));
    assertThat(values.toString(), values.size(), is(0));
  }

  /** A tick, not a gap record (the contract's reader tells them apart). */
  private static boolean isTick(ConsumerRecord<String, String> r) throws Exception {
    byte[] b = r.value().getBytes(StandardCharsets.UTF_8);
    return TickJson.parseRecord(b, 0, b.length) instanceof Tick;
  }

  /** Tick records in the topic now (gap records left out). */
  private long ticksInTopic() throws Exception {
    long n = 0;
    for (ConsumerRecord<String, String> r : KafkaTopics.readAll(rig.bootstrapServers(), topic, 0, Duration.ZERO)) {
      if (isTick(r)) {
        n++;
      }
    }
    return n;
  }

  private JsonText status() throws Exception {
    HttpResponse<String> r = Http.get(http.port(), "/status");
    assertThat(r.statusCode(), is(200));
    return JsonText.parse(r.body());
  }

  private static JsonText connection(JsonText status) {
    String conns = status.text("connections");
    return JsonText.parse(conns.substring(1, conns.length() - 1));
  }

  @Test
  public void everyTickSentArrivesOnceInOrderPerPairWithTheContractsFields() throws Exception {
    start(6_000);
    Await.until("ticks flowing", 20_000, () -> sim.sentCount() > 600);
    pauseAndAwaitAllAcked();
    List<ConsumerRecord<String, String>> records =
        KafkaTopics.readAll(rig.bootstrapServers(), topic, sim.sentCount(), Duration.ofSeconds(30));
    assertThat((long) records.size(), is(sim.sentCount()));
    Delivered.assertExactlyOnceInOrder(records, sim, PAIRS, "simulator");
    assertNoDeadLetters();
    JsonText pairs = status().object("pairs");
    for (String pair : PAIRS) {
      JsonText p = pairs.object(pair);
      assertThat(Long.parseLong(p.text("ticks")), is((long) sim.sentQuotes(pair).size()));
      assertThat(p.text("state"), is("open"));
      assertThat(p.text("rejects"), is("{}"));
    }
  }

  @Test
  public void pairsBeyondTheStreamsPerConnectionAreSplitAcrossConnections() throws Exception {
    start(3_000, "--maxStreamsPerConnection", "2");
    assertThat(ingester.snapshot().connections().size(), is(2));
    Await.until("ticks flowing on both connections", 20_000, () -> ingester.snapshot().pairs().stream()
        .allMatch(p -> p.ticks() > 20));
    assertThat(sim.openConnections(), is(2));
    pauseAndAwaitAllAcked();
    List<ConsumerRecord<String, String>> records =
        KafkaTopics.readAll(rig.bootstrapServers(), topic, sim.sentCount(), Duration.ofSeconds(30));
    Delivered.assertExactlyOnceInOrder(records, sim, PAIRS, "simulator");
    assertThat(ingester.snapshot().pairs().get(2).connection(), is("simulator-1"));
  }

  @Test
  public void futuresTicksCarryTheExchangesEventTime() throws Exception {
    start(ExchangeSimulator.Config.of(PAIRS, 3_000).recording().futuresFormat(), BinanceAdapter.futures());
    Await.until("ticks flowing", 20_000, () -> sim.sentCount() > 200);
    pauseAndAwaitAllAcked();
    List<ConsumerRecord<String, String>> records =
        KafkaTopics.readAll(rig.bootstrapServers(), topic, sim.sentCount(), Duration.ofSeconds(30));
    Delivered.assertExactlyOnceInOrder(records, sim, PAIRS, "binance-futures");
  }

  @Test
  public void rolloverHandsOverWithoutLossOrDuplicates() throws Exception {
    start(12_000, "--rollover", "1500ms");
    Await.until("three rollovers", 30_000,
        () -> ingester.snapshot().connections().get(0).rollovers() >= 3,
        () -> ingester.snapshot().connections().toString());
    pauseAndAwaitAllAcked();
    List<ConsumerRecord<String, String>> records =
        KafkaTopics.readAll(rig.bootstrapServers(), topic, sim.sentCount(), Duration.ofSeconds(30));
    Delivered.assertExactlyOnceInOrder(records, sim, PAIRS, "simulator");
    assertThat(ingester.snapshot().connections().get(0).gaps(), is(0L));
    assertNoDeadLetters();
    long overlapDuplicates = 0;
    for (var p : ingester.snapshot().pairs()) {
      overlapDuplicates += p.overlapDuplicates();
    }
    assertThat("the overlap did deliver twice", overlapDuplicates, greaterThan(0L));
  }

  @Test
  public void theConnectionIsRestoredAfterTheSimulatorDropsItAndStatusReportsTheGap() throws Exception {
    start(3_000);
    Await.until("ticks flowing", 20_000, () -> sim.sentCount() > 100);
    assertThat(connection(status()).text("gaps"), is("0"));
    sim.dropConnections();
    Await.until("the gap in /status", 20_000, () -> {
      try {
        JsonText c = connection(status());
        return c.text("gaps").equals("1") && c.text("state").equals("open");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    JsonText s = status();
    JsonText c = connection(s);
    assertThat(Long.parseLong(c.text("last_gap_ms")), greaterThan(0L));
    assertThat(c.text("reconnects"), is("1"));
    JsonText btc = s.object("pairs").object("BTCUSDT");
    assertThat(btc.text("gaps"), is("1"));
    String metrics = Http.get(http.port(), "/metrics").body();
    assertThat(metrics, containsString("ingest_connection_gaps_total{connection=\"simulator-0\"} 1.0\n"));
    long acked = ingester.publisherStats().ticksAcked();
    Await.until("ticks after the reconnect", 20_000, () -> ingester.publisherStats().ticksAcked() > acked + 100);
    assertNoDeadLetters();
  }

  @Test
  public void theIngesterAnswersTheExchangesPingsAndIsNeverDroppedForSilence() throws Exception {
    // The simulator pings every second and drops a client with no pong for 1.5 s, as Binance does
    // (with 20 s and 60 s). Only pongs count: the ticks and the ingester's own pings do not.
    start(ExchangeSimulator.Config.of(PAIRS, 1_200).recording().withPingInterval(Duration.ofSeconds(1)),
        BinanceAdapter.spot().named("simulator"));
    Await.until("ticks flowing", 20_000, () -> ingester.publisherStats().ticksAcked() > 20);
    // A client that does not answer, alongside: the simulator's check is on in this very run.
    AtomicInteger unansweredPings = new AtomicInteger();
    WebSocketClient mute = new WebSocketClient(URI.create(sim.endpoint() + "/ws/btcusdt@bookTicker")) {
      @Override
      public void onWebsocketPing(WebSocket conn, Framedata f) {
        unansweredPings.incrementAndGet(); // and no pong
      }

      @Override
      public void onOpen(ServerHandshake h) {}

      @Override
      public void onMessage(String message) {}

      @Override
      public void onClose(int code, String reason, boolean remote) {}

      @Override
      public void onError(Exception ex) {}
    };
    mute.setConnectionLostTimeout(0);
    assertThat(mute.connectBlocking(5, TimeUnit.SECONDS), is(true));
    Thread.sleep(6_000); // six ping intervals, four times the time a silent client is given
    assertThat("the simulator did ping", unansweredPings.get(), greaterThanOrEqualTo(1));
    Await.until("the mute client dropped", 10_000, mute::isClosed);
    assertThat(sim.connectionsOpened(), is(2L)); // the ingester's, once, and the mute client's
    var c = ingester.snapshot().connections().get(0);
    assertThat(c.state().label(), is("open"));
    assertThat(c.gaps(), is(0L));
    assertThat(c.reconnects(), is(0L));
    pauseAndAwaitAllAcked();
    List<ConsumerRecord<String, String>> records =
        KafkaTopics.readAll(rig.bootstrapServers(), topic, sim.sentCount(), Duration.ofSeconds(30));
    Delivered.assertExactlyOnceInOrder(records, sim, PAIRS, "simulator");
  }

  @Test
  public void anExchangeRestartedWithItsSequenceRestartedIsRejectedUntilEvidentThenTaken() throws Exception {
    start(3_000);
    Await.until("ticks flowing", 20_000, () -> sim.sentQuotes("ETHUSDT").size() > 200);
    sim.pause();
    Await.until("every sent tick acknowledged", 20_000,
        () -> ingester.publisherStats().ticksAcked() == sim.sentCount());
    ExchangeSimulator first = sim;
    int port = first.getPort();
    // The same simulator again (the first closed), same seed: the same update ids from the start (it
    // generates while no one is connected too), well below those taken.
    sim = rig.simulator(port, ExchangeSimulator.Config.of(PAIRS, 3_000).recording());
    Await.until("the restarted sequence taken for every pair", 30_000,
        () -> ingester.snapshot().pairs().stream().allMatch(p -> p.ticks() > first.sentQuotes(p.pair()).size() + 20),
        () -> ingester.snapshot().pairs().toString());
    sim.pause();
    Thread.sleep(200);
    int n = 20; // TickSequencer.SEQUENCE_RESTART_AFTER
    Await.until("every tick acknowledged", 20_000, () -> ingester.publisherStats().ticksAcked()
        == first.sentCount() + sim.sentCount() - (long) (n - 1) * PAIRS.size());
    List<ConsumerRecord<String, String>> records = KafkaTopics.readAll(rig.bootstrapServers(), topic,
        ingester.publisherStats().ticksAcked(), Duration.ofSeconds(30));
    for (String pair : PAIRS) {
      List<Long> expected = new ArrayList<>();
      first.sentQuotes(pair).forEach(q -> expected.add(q.updateId()));
      List<SimQuote> again = sim.sentQuotes(pair);
      assertThat("the restart went back", again.get(n - 1).updateId() < expected.get(expected.size() - 1), is(true));
      again.subList(n - 1, again.size()).forEach(q -> expected.add(q.updateId()));
      List<Long> got = new ArrayList<>();
      for (ConsumerRecord<String, String> r : records) {
        if (r.key().equals(pair) && isTick(r)) { // the reconnect's gap records are GapRecordsIT's
          got.add(TickJson.parse(r.value()).updateId());
        }
      }
      assertThat(pair, got, is(expected));
    }
    List<ConsumerRecord<String, String>> dead = KafkaTopics.readAll(rig.bootstrapServers(), dlq,
        (long) (n - 1) * PAIRS.size(), Duration.ofSeconds(30));
    assertThat(dead.size(), is((n - 1) * PAIRS.size()));
    for (ConsumerRecord<String, String> r : dead) {
      assertThat(JsonText.parse(r.value()).text("reason"), is("backwards_update_id"));
    }
    assertThat(ingester.snapshot().sequenceRestarts(), is((long) PAIRS.size()));
    assertThat(ingester.snapshot().connections().get(0).gaps(), is(1L));
  }

  @Test
  public void garbageFramesReachTheDeadLetterTopicWithTheirReason() throws Exception {
    start(600);
    Await.until("connected", 20_000, () -> sim.openConnections() == 1 && sim.sentCount() > 3);
    List<String> garbage = TestResources.lines("binance/garbage.txt");
    String crossed = "{\"stream\":\"btcusdt@bookTicker\",\"data\":{\"u\":999999999999,\"s\":\"BTCUSDT\","
        + "\"b\":\"58000.10\",\"B\":\"1\",\"a\":\"58000.00\",\"A\":\"1\"}}";
    for (String g : garbage) {
      sim.sendToAll(g);
    }
    sim.sendToAll(crossed);
    int expected = garbage.size() + 1;
    List<ConsumerRecord<String, String>> dead =
        KafkaTopics.readAll(rig.bootstrapServers(), dlq, expected, Duration.ofSeconds(30));
    assertThat(dead.size(), is(expected));
    Map<String, String> reasonByRaw = new HashMap<>();
    for (ConsumerRecord<String, String> r : dead) {
      JsonText dl = JsonText.parse(r.value());
      reasonByRaw.put(dl.text("raw"), dl.text("reason"));
      if (dl.text("raw").equals(crossed)) {
        assertThat(r.key(), is("BTCUSDT"));
        assertThat(dl.text("detail"), is("ask 58000.00 is below bid 58000.10"));
        assertThat(dl.text("source"), is("btcusdt@bookTicker"));
      } else {
        assertThat(r.key(), nullValue());
        assertThat(dl.text("source"), is("simulator-0"));
      }
    }
    assertThat(reasonByRaw.get(garbage.get(0)), is("invalid_json"));
    assertThat(reasonByRaw.get(garbage.get(5)), is("missing_field"));
    assertThat(reasonByRaw.get(crossed), is("crossed_book"));
    JsonText rejects = status().object("rejects");
    assertThat(rejects.text("invalid_json"), is("6"));
    assertThat(rejects.text("missing_field"), is("1"));
    assertThat(rejects.text("crossed_book"), is("1"));
    // The flow went on.
    pauseAndAwaitAllAcked();
  }

  @Test
  public void aFrameTooLargeForKafkaIsDeadLetteredTruncatedAndTheFlowGoesOn() throws Exception {
    start(600);
    Await.until("connected", 20_000, () -> sim.openConnections() == 1 && sim.sentCount() > 3);
    String huge = "{\"not json\":" + "9".repeat(1_500_000);
    sim.sendToAll(huge);
    List<ConsumerRecord<String, String>> dead =
        KafkaTopics.readAll(rig.bootstrapServers(), dlq, 1, Duration.ofSeconds(30));
    assertThat(dead.size(), is(1));
    JsonText dl = JsonText.parse(dead.get(0).value());
    assertThat(dl.text("reason"), is("invalid_json"));
    assertThat(dl.text("raw"), is(huge.substring(0, DeadLetter.MAX_RAW_CHARS)));
    assertThat(dl.text("raw_truncated"), is("true"));
    assertThat(dl.text("raw_length"), is(Integer.toString(huge.length())));
    // The flow went on behind it.
    pauseAndAwaitAllAcked();
    assertThat(ingester.publisherStats().deadLettersAcked(), is(1L));
    assertThat(ingester.publisherStats().deadLettersFailed(), is(0L));
  }

  @Test
  public void binaryFramesReachTheDeadLetterTopicAndAreCounted() throws Exception {
    start(600);
    Await.until("connected", 20_000, () -> sim.openConnections() == 1 && sim.sentCount() > 3);
    // The simulator speaks text like Binance; its server's own API sends the binary frame.
    for (WebSocket c : sim.getConnections()) {
      c.send(new byte[] {0x1f, (byte) 0x8b, 0x08, 0x00});
    }
    List<ConsumerRecord<String, String>> dead =
        KafkaTopics.readAll(rig.bootstrapServers(), dlq, 1, Duration.ofSeconds(30));
    assertThat(dead.size(), is(1));
    JsonText dl = JsonText.parse(dead.get(0).value());
    assertThat(dl.text("reason"), is("binary_frame"));
    assertThat(dl.text("raw"), is("H4sIAA=="));
    assertThat(dl.text("raw_encoding"), is("base64"));
    assertThat(dl.text("source"), is("simulator-0"));
    JsonText rejects = status().object("rejects");
    assertThat(rejects.text("binary_frame"), is("1"));
    assertThat(Http.get(http.port(), "/metrics").body(), containsString("binary_frame"));
    pauseAndAwaitAllAcked(); // the flow went on
  }

  @Test
  public void aRecordKafkaRefusesForGoodIsCountedAndDoesNotHoldUpTheOnesBehindIt() throws Exception {
    topic = "ticks-" + name.getMethodName();
    dlq = topic + "-dlq";
    KafkaTopics.create(rig.bootstrapServers(), topic, dlq);
    KafkaPublisher publisher = new KafkaPublisher(
        new KafkaProducer<>(ProducerSettings.of(rig.bootstrapServers(), "it", Map.of())), topic, dlq, 10);
    try {
      // Over the producer's max.request.size (1 MB): refused at once with RecordTooLargeException.
      publisher.put(OutRecord.tick("BTCUSDT", "{\"big\":\"" + "9".repeat(2_000_000) + "\"}", 1_700_000_000_000L));
      publisher.put(OutRecord.tick("BTCUSDT", "{\"small\":1}", 1_700_000_000_001L));
      assertThat(publisher.awaitDelivered(Duration.ofSeconds(30)), is(true));
      assertThat(publisher.stats().ticksFailed(), is(1L));
      assertThat(publisher.stats().ticksAcked(), is(1L));
      assertThat(publisher.stats().sendRetries(), is(0L));
      List<ConsumerRecord<String, String>> records =
          KafkaTopics.readAll(rig.bootstrapServers(), topic, 1, Duration.ofSeconds(30));
      assertThat(records.size(), is(1));
      assertThat(records.get(0).value(), is("{\"small\":1}"));
    } finally {
      publisher.close(Duration.ofSeconds(10));
    }
  }

  @Test
  public void stopHaltsProductionAndStartResumesIt() throws Exception {
    start(3_000);
    Await.until("ticks flowing", 20_000, () -> ingester.publisherStats().ticksAcked() > 100);
    assertThat(Http.post(http.port(), "/stop", null).statusCode(), is(401));
    HttpResponse<String> stop = Http.post(http.port(), "/stop", TOKEN);
    assertThat(stop.statusCode(), is(200));
    assertThat(stop.body(), is("{\"state\":\"stopped\",\"changed\":true}"));
    // stop returns once everything received is acknowledged: the topic holds all of it already.
    long acked = ingester.publisherStats().ticksAcked();
    long inTopic = ticksInTopic();
    assertThat(inTopic, is(acked));
    Thread.sleep(1_500);
    // While stopped, only the stopped gap's records are written (GapRecordsIT checks those).
    assertThat("no tick produced while stopped", ticksInTopic(), is(inTopic));
    long all = KafkaTopics.count(rig.bootstrapServers(), topic);
    assertThat(status().text("state"), is("stopped"));
    assertThat(connection(status()).text("state"), is("stopped"));
    assertThat(Http.get(http.port(), "/health").statusCode(), is(200));

    HttpResponse<String> start = Http.post(http.port(), "/start", TOKEN);
    assertThat(start.statusCode(), is(200));
    assertThat(start.body(), is("{\"state\":\"running\",\"changed\":true}"));
    Await.until("production resumed", 20_000,
        () -> KafkaTopics.count(rig.bootstrapServers(), topic) > all + 50);
    assertThat(connection(status()).text("gaps"), is("0"));
    assertNoDeadLetters();
  }

  @Test
  public void healthAndMetricsReflectTheFlow() throws Exception {
    start(3_000);
    Await.until("ticks flowing", 20_000, () -> ingester.publisherStats().ticksAcked() > 100);
    HttpResponse<String> health = Http.get(http.port(), "/health");
    assertThat(health.statusCode(), is(200));
    assertThat(health.body(), is("{\"status\":\"UP\",\"state\":\"running\",\"problems\":[]}"));
    Thread.sleep(2_100); // two rate samples
    String metrics = Http.get(http.port(), "/metrics").body();
    assertThat(metrics, containsString("ingest_running 1.0\n"));
    assertThat(metrics, containsString("ingest_connection_state{connection=\"simulator-0\",state=\"open\"} 1.0\n"));
    JsonText btc = status().object("pairs").object("BTCUSDT");
    assertThat(Double.parseDouble(btc.text("ticks_per_second")), greaterThan(10.0));
    assertThat(Long.parseLong(btc.text("last_tick_age_ms")), greaterThanOrEqualTo(0L));
  }
}
