package io.candles.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.candles.ingest.exchange.ConnectionPlan;
import io.candles.ingest.exchange.ExchangeAdapter;
import io.candles.ingest.http.ControlServer;
import io.candles.ingest.http.JsonBody;
import io.candles.ingest.kafka.FeedHistory;
import io.candles.ingest.kafka.KafkaPublisher;
import io.candles.ingest.kafka.ProducerSettings;
import io.candles.ingest.kafka.PublisherStats;
import io.candles.ingest.metrics.IngestSnapshot;
import io.candles.ingest.metrics.PairMetrics;
import io.candles.ingest.metrics.PrometheusMetrics;
import io.candles.ingest.metrics.RejectCounters;
import io.candles.ingest.metrics.StatusJson;
import io.candles.ingest.quality.GapMarker;
import io.candles.ingest.quality.TickSequencer;
import io.candles.ingest.transport.Backoff;
import io.candles.ingest.transport.ConnectionState;
import io.candles.ingest.transport.ConnectionStats;
import io.candles.ingest.transport.ReconnectingWebSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingester service: connections from the exchange, through the checks, into Kafka; started,
 * stopped and observed through {@link ControlServer.Controls}.
 *
 * <p>Created stopped; {@link #start()} opens the connections. {@link #stop()} closes them and
 * waits for Kafka to acknowledge everything received; {@link #start()} resumes with fresh
 * connections. {@link #close()} stops and shuts the producer down, flushing what was received.
 */
public final class Ingester implements ControlServer.Controls, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Ingester.class);
  /** A running connection down longer than this makes {@code /health} report DOWN. */
  private static final long HEALTH_DOWN_GRACE_MS = 60_000;
  /** Records waiting this long without any acknowledgement make {@code /health} report DOWN. */
  private static final long HEALTH_UNACKED_MS = 30_000;
  /**
   * How often open gaps are checked for a piece that is due ({@link GapMarker});
   * a tenth of the piece interval, so a piece is written at most that late.
   */
  private static final long GAP_CHECK_PERIOD_MS = 100;

  private enum State { STOPPED, RUNNING, CLOSED }

  private final IngestOptions options;
  private final ExchangeAdapter adapter;
  private final KafkaPublisher publisher;
  private final ScheduledExecutorService scheduler;
  private final List<ReconnectingWebSocket> connections = new ArrayList<>();
  private final List<TickSequencer> sequencers = new ArrayList<>();
  private final List<PairMetrics> pairMetrics = new ArrayList<>();
  private final RejectCounters unattributed = new RejectCounters();
  private final long createdAt = ReconnectingWebSocket.monotonicMillis();
  private final ScheduledFuture<?> sampler;
  /**
   * Writes the pieces of open gaps. Its own thread: writing may wait for room in the Kafka buffer,
   * and the connections' scheduler (watchdog, reconnects) must never wait for that.
   */
  private final ScheduledExecutorService gapWriter;
  private volatile State state = State.STOPPED;
  /** Whether this process has started the flow before (only the first start looks for a restart gap). */
  private boolean startedBefore;

  /**
   * @param endpoint the WebSocket base URL to use
   * @param producer the Kafka producer, configured by {@link ProducerSettings}; owned and closed by this
   */
  public Ingester(IngestOptions options, ExchangeAdapter adapter, URI endpoint, Producer<String, String> producer) {
    this.options = options;
    this.adapter = adapter;
    this.publisher = new KafkaPublisher(producer, options.topic(), options.dlqTopic(), options.queueCapacity());
    AtomicInteger threads = new AtomicInteger();
    this.scheduler = Executors.newScheduledThreadPool(1, r -> {
      Thread t = new Thread(r, "ingest-scheduler-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    int perConnection = options.maxStreamsPerConnection() > 0
        ? Math.min(options.maxStreamsPerConnection(), adapter.maxStreamsPerConnection())
        : adapter.maxStreamsPerConnection();
    for (ConnectionPlan plan : adapter.plan(endpoint, options.pairs(), perConnection)) {
      List<PairMetrics> metrics = new ArrayList<>();
      for (String pair : plan.pairs()) {
        metrics.add(new PairMetrics(pair, plan.name()));
      }
      pairMetrics.addAll(metrics);
      TickSequencer sequencer = new TickSequencer(
          plan.name(), adapter, metrics, options.priceJumps(), options.maxClockSkew().toMillis(), publisher,
          unattributed, System::currentTimeMillis);
      sequencers.add(sequencer);
      connections.add(new ReconnectingWebSocket(
          plan.name(), plan.uri(), plan.subscribeMessages(), sequencer, options.transport(), scheduler,
          ReconnectingWebSocket::monotonicMillis,
          new Backoff(options.transport().backoffBase(), options.transport().backoffCap(), Backoff.Jitter.random())));
      log.info("{}: {} pair(s) via {}{}", plan.name(), plan.pairs().size(), plan.uri(),
          plan.subscribeMessages().isEmpty() ? "" : " + " + plan.subscribeMessages().size() + " SUBSCRIBE request(s)");
    }
    this.sampler = scheduler.scheduleAtFixedRate(this::sampleRates, 1, 1, TimeUnit.SECONDS);
    this.gapWriter = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ingest-gap-writer");
      t.setDaemon(true);
      return t;
    });
    gapWriter.scheduleWithFixedDelay(this::writeDueGapPieces, GAP_CHECK_PERIOD_MS, GAP_CHECK_PERIOD_MS,
        TimeUnit.MILLISECONDS);
  }

  private void writeDueGapPieces() {
    try {
      for (TickSequencer p : sequencers) {
        p.writeDueGapPieces();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // closing
    } catch (RuntimeException e) {
      // Never let the timer die: a later run writes what is due then, from where the last piece ended.
      log.error("writing gap records failed; retrying on the next check", e);
    }
  }

  /** An ingester with a producer configured by {@link ProducerSettings}. */
  public static Ingester create(IngestOptions options, ExchangeAdapter adapter, URI endpoint) {
    KafkaProducer<String, String> producer = new KafkaProducer<>(
        ProducerSettings.of(options.bootstrapServers(), "candles-ingest-" + adapter.name(), options.producerOverrides()));
    return new Ingester(options, adapter, endpoint, producer);
  }

  @Override
  public synchronized boolean start() {
    if (state == State.CLOSED) {
      throw new IllegalStateException("the ingester is closed");
    }
    if (state == State.RUNNING) {
      return false;
    }
    if (!startedBefore) {
      startedBefore = true;
      markGapSinceLastProcess();
    }
    for (TickSequencer p : sequencers) {
      p.resume();
    }
    for (ReconnectingWebSocket c : connections) {
      c.start();
    }
    state = State.RUNNING;
    log.info("started: {} pair(s) from {} over {} connection(s) into {} / {}", options.pairs().size(),
        adapter.name(), connections.size(), options.topic(), options.dlqTopic());
    return true;
  }

  /**
   * The first start of this process: each connection's pairs get a {@code restart} gap from where
   * an earlier ingester left off in the ticks topic ({@link FeedHistory}), so the time no process
   * was reading is marked. Nothing is marked for pairs the topic has no record of.
   */
  private void markGapSinceLastProcess() {
    Map<String, Long> last = FeedHistory.lastLive(options.bootstrapServers(), options.topic(),
        new HashSet<>(options.pairs()), FeedHistory.TAIL_RECORDS, options.brokerTimeout(), options.producerOverrides());
    for (TickSequencer p : sequencers) {
      p.pairNames().stream().filter(last::containsKey).mapToLong(last::get).max()
          .ifPresent(p::gapSinceRestart);
    }
  }

  /**
   * Ends the flow: closes the connections, then waits (up to the shutdown timeout) until Kafka has
   * acknowledged every record received before the stop.
   */
  @Override
  public synchronized boolean stop() throws InterruptedException {
    if (state != State.RUNNING) {
      return false;
    }
    halt(true, true);
    state = State.STOPPED;
    return true;
  }

  /**
   * Closes the connections and refuses late frames; if asked, marks a {@code stopped} gap for every
   * pair from now on (until data flows again after a start); then, if asked, waits for Kafka's
   * acknowledgements.
   */
  private void halt(boolean awaitKafka, boolean markStopped) throws InterruptedException {
    // The stop's time, taken before any connection closes: every frame taken came before it, and
    // none after, so the stopped gap starts here (the last frame may be earlier only because the
    // pairs were quiet, which is no gap).
    long stoppedAt = System.currentTimeMillis();
    for (ReconnectingWebSocket c : connections) {
      c.stop();
    }
    long timeout = options.shutdownTimeout().toMillis();
    for (TickSequencer p : sequencers) {
      if (!p.halt(timeout)) {
        log.warn("a connection reader is still waiting for room in the Kafka buffer after {} ms", timeout);
      }
    }
    if (markStopped) {
      for (TickSequencer p : sequencers) {
        if (!p.gapStopped(stoppedAt, timeout)) {
          log.error("the stopped gap could not be marked: a connection reader is still waiting for room in the"
              + " Kafka buffer after {} ms", timeout);
        }
      }
    }
    if (!awaitKafka) {
      return;
    }
    if (publisher.awaitDelivered(options.shutdownTimeout())) {
      log.info("stopped: every record received has been acknowledged by Kafka");
    } else {
      PublisherStats s = publisher.stats();
      log.warn("stopped, but Kafka has not yet acknowledged {} buffered and {} in-flight records after {} ms;"
          + " they are kept and retried", s.queueDepth(), s.inFlight(), timeout);
    }
  }

  /** Stops, flushes what was received to Kafka (up to the shutdown timeout) and releases everything. */
  @Override
  public synchronized void close() {
    if (state == State.CLOSED) {
      return;
    }
    try {
      if (state == State.RUNNING) {
        halt(false, false); // the publisher's close() below waits for Kafka, once
      }
      gapWriter.shutdown();
      long timeout = options.shutdownTimeout().toMillis();
      if (!gapWriter.awaitTermination(timeout, TimeUnit.MILLISECONDS)) {
        log.warn("the gap writer is still waiting for room in the Kafka buffer after {} ms", timeout);
      }
      for (TickSequencer p : sequencers) {
        if (!p.closeGaps(timeout)) {
          log.error("an open gap could not get its last piece: a connection reader is still waiting for room in"
              + " the Kafka buffer after {} ms", timeout);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    gapWriter.shutdownNow();
    state = State.CLOSED;
    sampler.cancel(false);
    publisher.close(options.shutdownTimeout());
    scheduler.shutdownNow();
  }

  @Override
  public String state() {
    return state.name().toLowerCase(java.util.Locale.ROOT);
  }

  private void sampleRates() {
    long now = ReconnectingWebSocket.monotonicMillis();
    for (PairMetrics p : pairMetrics) {
      p.rate().sample(p.ticks(), now);
    }
  }

  /** A consistent-enough view of everything, for the REST endpoints and tests. */
  public IngestSnapshot snapshot() {
    long wall = System.currentTimeMillis();
    List<ConnectionStats> cs = new ArrayList<>();
    for (ReconnectingWebSocket c : connections) {
      cs.add(c.stats());
    }
    List<IngestSnapshot.PairView> pairs = new ArrayList<>();
    for (PairMetrics p : pairMetrics) {
      ConnectionStats c = cs.stream().filter(x -> x.name().equals(p.connection())).findFirst().orElseThrow();
      long last = p.lastTickAtMillis();
      pairs.add(new IngestSnapshot.PairView(
          p.pair(), p.connection(), c.state().label(), p.ticks(), p.rate().perSecond(),
          last < 0 ? -1 : Math.max(0, wall - last), c.gaps(), c.gapMillisTotal(), p.gapRecords(),
          p.gapRecordMillis(), p.lastUpdateId(),
          p.priceJumps(), p.overlapDuplicates(), p.rejects()));
    }
    long exchangeErrors = 0;
    long control = 0;
    long refused = 0;
    long late = 0;
    long lost = 0;
    long restarts = 0;
    for (TickSequencer p : sequencers) {
      exchangeErrors += p.exchangeErrors();
      control += p.controlMessages();
      refused += p.refusedWhileStopped();
      late += p.lateFrames();
      lost += p.lostInterrupted();
      restarts += p.sequenceRestarts();
    }
    return new IngestSnapshot(
        state(), adapter.name(), ReconnectingWebSocket.monotonicMillis() - createdAt, options.bootstrapServers(),
        options.topic(), options.dlqTopic(), cs, pairs, unattributed.snapshot(), publisher.stats(),
        exchangeErrors, control, refused, late, lost, restarts);
  }

  @Override
  public String statusJson() {
    return StatusJson.render(snapshot());
  }

  @Override
  public String metricsText() {
    return PrometheusMetrics.render(snapshot());
  }

  /**
   * UP unless: closed; a running connection has been without a session for over a minute; Kafka
   * has acknowledged nothing for 30 s while records wait; or the producer has given up on records.
   * Stopped on request is UP: the process is healthy, the flow is off.
   */
  @Override
  public ControlServer.Health health() {
    IngestSnapshot s = snapshot();
    List<String> problems = new ArrayList<>();
    if ("closed".equals(s.state())) {
      problems.add("the ingester is closed");
    }
    if ("running".equals(s.state())) {
      for (ConnectionStats c : s.connections()) {
        if (c.state() != ConnectionState.OPEN && c.downForMillis() > HEALTH_DOWN_GRACE_MS) {
          problems.add(c.name() + " has had no open connection for " + c.downForMillis() / 1000 + " s");
        }
      }
    }
    PublisherStats k = s.kafka();
    if (k.oldestUnackedMillis() > HEALTH_UNACKED_MS) {
      problems.add("Kafka has acknowledged nothing for " + k.oldestUnackedMillis() / 1000 + " s with "
          + (k.inFlight() + k.queueDepth()) + " records waiting");
    }
    long failed = k.ticksFailed() + k.gapsFailed() + k.deadLettersFailed();
    if (failed > 0) {
      problems.add(failed + " records were given up by the producer");
    }
    ObjectNode body = JsonBody.object().put("status", problems.isEmpty() ? "UP" : "DOWN").put("state", s.state());
    problems.forEach(body.putArray("problems")::add);
    return new ControlServer.Health(problems.isEmpty(), JsonBody.write(body));
  }

  /** The path to Kafka, for tests and diagnostics. */
  public PublisherStats publisherStats() {
    return publisher.stats();
  }
}
