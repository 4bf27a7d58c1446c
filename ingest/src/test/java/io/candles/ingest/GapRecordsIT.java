package io.candles.ingest;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import io.candles.contract.Gap;
import io.candles.contract.GapCause;
import io.candles.contract.Tick;
import io.candles.contract.TickJson;
import io.candles.contract.TickRecord;
import io.candles.ingest.exchange.binance.BinanceAdapter;
import io.candles.ingest.http.ControlServer;
import io.candles.ingest.kafka.PublisherStats;
import io.candles.ingest.metrics.IngestSnapshot;
import io.candles.ingest.testing.BrokerRule;
import io.candles.ingest.testing.Http;
import io.candles.ingest.testing.IngestRig;
import io.candles.ingest.testing.JsonText;
import io.candles.ingest.testing.KafkaTopics;
import io.candles.simulator.ExchangeSimulator;
import io.candles.testkit.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TestName;

/**
 * Gap records (issue 16) end to end: the simulator's outage of known length and a REST stop, a
 * real broker, the records read back with kafka-clients and parsed with the contract's reader.
 */
public class GapRecordsIT {
  private static final String TOKEN = "it-token";
  private static final List<String> PAIRS = List.of("BTCUSDT", "ETHUSDT", "BNBUSDT");
  /** How far the marked gap may be from the interruption: reconnect delay, first frame, clocks. */
  private static final long TOLERANCE_MS = 1_000;
  /** How old a piece's start may be when it is written: the piece interval plus the check period. */
  private static final long MAX_PIECE_MS = 1_500;

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

  /** One record of a pair, as read back: its place in the partition and what it is. */
  private record Read(long offset, long timestamp, TickRecord value) {}

  private void start() throws Exception {
    topic = "ticks-" + name.getMethodName();
    KafkaTopics.create(rig.bootstrapServers(), topic, topic + "-dlq");
    sim = rig.simulator(ExchangeSimulator.Config.of(PAIRS, 3_000));
    startIngester();
  }

  /** An ingester on the simulator and the test's topic, started, with ticks flowing. */
  private void startIngester() throws Exception {
    // A reconnect at most half a second after the outage ends, so the gap can be held to a second.
    ingester = rig.ingester(BinanceAdapter.spot().named("simulator"),
        "--exchange", "simulator", "--endpoint", sim.endpoint().toString(), "--pairs", String.join(",", PAIRS),
        "--bootstrapServers", rig.bootstrapServers(), "--topic", topic, "--dlqTopic", topic + "-dlq",
        "--httpPort", "0", "--token", TOKEN, "--backoffBase", "50ms", "--backoffCap", "500ms");
    http = rig.http(TOKEN);
    ingester.start();
    Await.until("ticks flowing", 20_000, () -> ingester.publisherStats().ticksAcked() > 150);
  }

  /**
   * Stops the simulator's flow and waits until Kafka has acknowledged every tick and gap record
   * handed over (not every tick sent: those that raced with a stop were refused, and counted).
   */
  private void pauseAndAwaitAllAcked() throws InterruptedException {
    sim.pause();
    Thread.sleep(200);
    Await.until("every record acknowledged", 30_000, () -> {
      IngestSnapshot snap = ingester.snapshot();
      PublisherStats s = snap.kafka();
      long ticks = snap.pairs().stream().mapToLong(IngestSnapshot.PairView::ticks).sum();
      long gaps = snap.pairs().stream().mapToLong(IngestSnapshot.PairView::gapRecords).sum();
      return s.ticksAcked() == ticks && s.gapsAcked() == gaps && s.queueDepth() == 0 && s.inFlight() == 0;
    }, () -> ingester.snapshot().toString());
  }

  /** Each pair's records in partition order. */
  private List<Read> recordsOf(List<ConsumerRecord<String, String>> all, String pair) throws Exception {
    List<Read> out = new ArrayList<>();
    for (ConsumerRecord<String, String> r : all) {
      if (r.key().equals(pair)) {
        byte[] b = r.value().getBytes(StandardCharsets.UTF_8);
        out.add(new Read(r.offset(), r.timestamp(), TickJson.parseRecord(b, 0, b.length)));
      }
    }
    return out;
  }

  /**
   * Asserts that a pair's gap records form one run between two ticks: contiguous pieces of
   * {@code cause}, each stamped with its start and no longer than a piece may be, after the last
   * tick before and before the first tick after; returns the run's pieces.
   */
  private static List<Gap> assertOneMarkedGap(String pair, List<Read> reads, GapCause cause) {
    return assertOneMarkedGap(pair, reads, cause, MAX_PIECE_MS);
  }

  /** As above; the first piece may be up to {@code maxFirstPiece} long (a gap found at a start). */
  private static List<Gap> assertOneMarkedGap(String pair, List<Read> reads, GapCause cause, long maxFirstPiece) {
    int first = -1;
    int last = -1;
    for (int i = 0; i < reads.size(); i++) {
      if (reads.get(i).value() instanceof Gap) {
        first = first < 0 ? i : first;
        last = i;
      }
    }
    assertThat(pair + ": gap records written", first >= 0, is(true));
    assertThat(pair + ": a tick before the gap", first > 0, is(true));
    assertThat(pair + ": a tick after the gap", last < reads.size() - 1, is(true));
    List<Gap> pieces = new ArrayList<>();
    for (int i = first; i <= last; i++) {
      Read r = reads.get(i);
      assertThat(pair + ": nothing but gap records between the ticks around it", r.value() instanceof Gap, is(true));
      Gap g = (Gap) r.value();
      assertThat(g.pair(), is(pair));
      assertThat(g.cause(), is(cause));
      assertThat(pair + ": record timestamp = the piece's start", r.timestamp(), is(g.startMillis()));
      assertThat(pair + ": a piece is written when it is due, not later", g.lengthMillis(),
          lessThanOrEqualTo(pieces.isEmpty() ? maxFirstPiece : MAX_PIECE_MS));
      if (!pieces.isEmpty()) {
        assertThat(pair + ": contiguous pieces", g.startMillis(), is(pieces.get(pieces.size() - 1).endMillis()));
      }
      pieces.add(g);
    }
    Tick before = (Tick) reads.get(first - 1).value();
    Tick after = (Tick) reads.get(last + 1).value();
    assertThat(pair + ": the gap starts at or after the last tick before it",
        pieces.get(0).startMillis(), greaterThanOrEqualTo(before.ingestTimeMillis()));
    assertThat(pair + ": the gap ends at or before the first tick after it (which follows it in the partition)",
        pieces.get(pieces.size() - 1).endMillis(), lessThanOrEqualTo(after.ingestTimeMillis()));
    return pieces;
  }

  private static long union(List<Gap> contiguous) {
    return contiguous.get(contiguous.size() - 1).endMillis() - contiguous.get(0).startMillis();
  }

  private void assertCounted(String pair, List<Gap> pieces) throws Exception {
    JsonText p = JsonText.parse(Http.get(http.port(), "/status").body()).object("pairs").object(pair);
    assertThat(p.text("gap_records"), is(Integer.toString(pieces.size())));
    assertThat(p.text("gap_record_ms"), is(Long.toString(union(pieces))));
    assertThat(Http.get(http.port(), "/metrics").body(),
        containsString("ingest_gap_records_total{pair=\"" + pair + "\"} " + pieces.size() + ".0\n"));
  }

  @Test
  public void anOutageIsMarkedWhileItLastsAsContiguousReconnectPiecesBeforeTheFirstTickAfterIt() throws Exception {
    start();
    long outage = 3_500;
    sim.outage(Duration.ofMillis(outage));
    Thread.sleep(2_500);
    // While the outage lasts, the gap is already on the topic up to about a second ago.
    long checkedAt = System.currentTimeMillis();
    List<ConsumerRecord<String, String>> sofar = KafkaTopics.readAll(rig.bootstrapServers(), topic, 0, Duration.ZERO);
    for (String pair : PAIRS) {
      long markedUpTo = Long.MIN_VALUE;
      for (Read r : recordsOf(sofar, pair)) {
        if (r.value() instanceof Gap g) {
          markedUpTo = Math.max(markedUpTo, g.endMillis());
        }
      }
      assertThat(pair + ": marked while open", markedUpTo, greaterThanOrEqualTo(checkedAt - MAX_PIECE_MS));
    }
    Await.until("reconnected and flowing", 20_000,
        () -> ingester.snapshot().pairs().stream().allMatch(p -> p.gapRecordMillis() > outage - TOLERANCE_MS
            && p.lastTickAgeMillis() >= 0 && p.lastTickAgeMillis() < 500));
    long acked = ingester.publisherStats().ticksAcked();
    Await.until("ticks after the reconnect", 20_000, () -> ingester.publisherStats().ticksAcked() > acked + 100);
    pauseAndAwaitAllAcked();
    List<ConsumerRecord<String, String>> all = KafkaTopics.readAll(rig.bootstrapServers(), topic, 0, Duration.ZERO);
    for (String pair : PAIRS) {
      List<Gap> pieces = assertOneMarkedGap(pair, recordsOf(all, pair), GapCause.RECONNECT);
      assertThat(pair + ": pieces while it lasted, not one at the end", pieces.size(), greaterThanOrEqualTo(3));
      assertThat(pair + ": the gap is the outage", (double) union(pieces),
          closeTo(outage, TOLERANCE_MS));
      assertCounted(pair, pieces);
    }
    assertThat(ingester.publisherStats().gapsFailed(), is(0L));
  }

  @Test
  public void aRestStopIsMarkedAsAStoppedGapUntilDataFlowsAfterTheStart() throws Exception {
    start();
    long stopAsked = System.currentTimeMillis();
    assertThat(Http.post(http.port(), "/stop", TOKEN).statusCode(), is(200));
    Thread.sleep(3_000);
    assertThat(Http.post(http.port(), "/start", TOKEN).statusCode(), is(200));
    long stopped = System.currentTimeMillis() - stopAsked;
    long acked = ingester.publisherStats().ticksAcked();
    Await.until("ticks after the start", 20_000, () -> ingester.publisherStats().ticksAcked() > acked + 100);
    pauseAndAwaitAllAcked();
    List<ConsumerRecord<String, String>> all = KafkaTopics.readAll(rig.bootstrapServers(), topic, 0, Duration.ZERO);
    for (String pair : PAIRS) {
      List<Gap> pieces = assertOneMarkedGap(pair, recordsOf(all, pair), GapCause.STOPPED);
      assertThat(pair + ": pieces while stopped, not one at the end", pieces.size(), greaterThanOrEqualTo(3));
      assertThat(pair + ": the gap starts with the stop", pieces.get(0).startMillis(),
          greaterThanOrEqualTo(stopAsked));
      assertThat(pair + ": the gap is the stop", (double) union(pieces),
          closeTo(stopped, TOLERANCE_MS));
      assertCounted(pair, pieces);
    }
    assertThat(ingester.publisherStats().gapsFailed(), is(0L));
  }

  @Test
  public void aRestartIsMarkedFromWhereThePreviousProcessLeftOffUntilTheFirstTickOfTheNextOne() throws Exception {
    start();
    // The first process ends as on SIGTERM: what it received is flushed to Kafka, no gap is open.
    ingester.close();
    http.close();
    long closedAt = System.currentTimeMillis();
    Thread.sleep(3_000);
    startIngester();
    long reopenedAt = System.currentTimeMillis();
    pauseAndAwaitAllAcked();
    List<ConsumerRecord<String, String>> all = KafkaTopics.readAll(rig.bootstrapServers(), topic, 0, Duration.ZERO);
    // Where the first process left off: its newest record of any of the connection's pairs.
    long leftOff = Long.MIN_VALUE;
    for (String pair : PAIRS) {
      for (Read r : recordsOf(all, pair)) {
        if (r.value() instanceof Gap) {
          break;
        }
        leftOff = Math.max(leftOff, ((Tick) r.value()).ingestTimeMillis());
      }
    }
    assertThat("the first process's last tick came before it closed", leftOff, lessThanOrEqualTo(closedAt));
    for (String pair : PAIRS) {
      List<Gap> pieces = assertOneMarkedGap(pair, recordsOf(all, pair), GapCause.RESTART, reopenedAt - leftOff);
      assertThat(pair + ": the gap starts where the previous process left off", pieces.get(0).startMillis(),
          is(leftOff));
      assertThat(pair + ": it covers the time no process ran", pieces.get(pieces.size() - 1).endMillis(),
          greaterThanOrEqualTo(closedAt + 3_000));
      assertCounted(pair, pieces);
    }
    assertThat(ingester.publisherStats().gapsFailed(), is(0L));
  }
}
