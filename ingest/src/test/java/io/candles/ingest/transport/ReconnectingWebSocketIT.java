package io.candles.ingest.transport;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

import io.candles.ingest.exchange.ConnectionPlan;
import io.candles.ingest.exchange.binance.BinanceAdapter;
import io.candles.ingest.testing.IngestRig;
import io.candles.ingest.testing.JsonText;
import io.candles.simulator.ExchangeSimulator;
import io.candles.testkit.Await;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;

/** The transport against the simulator over real sockets: drops, stalls, rollovers, resubscription. */
public class ReconnectingWebSocketIT {
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final List<String> frames = new CopyOnWriteArrayList<>();
  private final AtomicBoolean sawOverlap = new AtomicBoolean();
  private final AtomicInteger sessionsOpened = new AtomicInteger();
  private final FrameListener listener = new FrameListener() {
    @Override
    public void onFrame(String text, long session, boolean overlapping) {
      frames.add(text);
      if (overlapping) {
        sawOverlap.set(true);
      }
    }

    @Override
    public void onSessionOpened(long session, boolean continuation) {
      sessionsOpened.incrementAndGet();
    }
  };
  private ExchangeSimulator sim;
  private ReconnectingWebSocket ws;

  private static final TransportSettings FAST = TransportSettings.defaults()
      .withConnectTimeout(Duration.ofSeconds(2))
      .withSilenceTimeout(Duration.ofMillis(1_500))
      .withPingInterval(Duration.ofMillis(250))
      .withBackoff(Duration.ofMillis(50), Duration.ofMillis(400))
      .withWatchdogPeriod(Duration.ofMillis(50));

  @Rule
  public final IngestRig rig = new IngestRig();

  @Before
  public void setUp() throws IOException {
    sim = rig.simulator(ExchangeSimulator.Config.of(List.of("BTCUSDT", "ETHUSDT"), 3_000));
  }

  @After
  public void tearDown() {
    if (ws != null) {
      ws.stop();
    }
    scheduler.shutdownNow();
  }

  private ReconnectingWebSocket connect(BinanceAdapter adapter, List<String> pairs, TransportSettings settings) {
    ConnectionPlan plan = adapter.planConnection("test-0", sim.endpoint(), pairs);
    ws = new ReconnectingWebSocket(plan.name(), plan.uri(), plan.subscribeMessages(), listener, settings, scheduler,
        ReconnectingWebSocket::monotonicMillis,
        new Backoff(settings.backoffBase(), settings.backoffCap(), Backoff.Jitter.random()));
    ws.start();
    return ws;
  }

  @Test
  public void reconnectsAfterADropAndCountsTheGap() throws Exception {
    connect(BinanceAdapter.spot(), List.of("BTCUSDT", "ETHUSDT"), FAST);
    Await.until("data", 5_000, () -> frames.size() > 20);
    assertThat(ws.stats().state(), is(ConnectionState.OPEN));
    sim.dropConnections();
    Await.until("a completed gap", 10_000, () -> ws.stats().gaps() == 1, () -> ws.stats().toString());
    ConnectionStats s = ws.stats();
    assertThat(s.state(), is(ConnectionState.OPEN));
    assertThat(s.reconnects(), is(1L));
    assertThat(s.lastGapMillis(), greaterThan(0L));
    assertThat(s.lastGapMillis(), lessThan(5_000L));
    assertThat(s.gapMillisTotal(), is(s.lastGapMillis()));
    assertThat(sim.connectionsOpened(), is(2L));
    int before = frames.size();
    Await.until("data after the reconnect", 5_000, () -> frames.size() > before + 20);
  }

  @Test
  public void aGapStillOpenAtStopIsCountedWithItsLength() throws Exception {
    connect(BinanceAdapter.spot(), List.of("BTCUSDT", "ETHUSDT"), FAST);
    Await.until("data", 5_000, () -> frames.size() > 20);
    sim.pause();
    sim.dropConnections();
    // Reconnected, but nothing flows: the gap stays open until stop() ends it.
    Await.until("a reconnect", 10_000,
        () -> ws.stats().reconnects() == 1 && ws.stats().state() == ConnectionState.OPEN, () -> ws.stats().toString());
    Thread.sleep(500);
    assertThat(ws.stats().gaps(), is(0L));
    long open = ws.stats().currentGapMillis();
    assertThat(open, greaterThanOrEqualTo(500L));
    ws.stop();
    ConnectionStats s = ws.stats();
    assertThat(s.gaps(), is(1L));
    assertThat(s.lastGapMillis(), greaterThanOrEqualTo(open));
    assertThat(s.gapMillisTotal(), is(s.lastGapMillis()));
    assertThat(s.currentGapMillis(), is(-1L));
  }

  @Test
  public void aSilentConnectionIsDeclaredDeadAndReplaced() throws Exception {
    connect(BinanceAdapter.spot(), List.of("BTCUSDT"), FAST);
    Await.until("data", 5_000, () -> frames.size() > 10);
    sim.stall(Duration.ofMillis(4_000));
    // Silence timeout 1.5 s: the session is replaced; the new one is stalled too until the stall ends.
    Await.until("a reconnect", 5_000, () -> sim.connectionsOpened() >= 2, () -> ws.stats().toString());
    Await.until("the gap closing", 10_000, () -> ws.stats().gaps() >= 1, () -> ws.stats().toString());
    assertThat(ws.stats().lastGapMillis(), greaterThanOrEqualTo(1_500L));
    assertThat(ws.stats().state(), is(ConnectionState.OPEN));
  }

  @Test
  public void aQuietButHealthyConnectionIsKeptAliveByPongs() throws Exception {
    sim.pause();
    connect(BinanceAdapter.spot(), List.of("BTCUSDT"), FAST);
    Await.until("open", 5_000, () -> ws.stats().state() == ConnectionState.OPEN);
    Thread.sleep(4_000); // 2.7 silence timeouts without data, but with pongs
    assertThat(sim.connectionsOpened(), is(1L));
    assertThat(ws.stats().reconnects(), is(0L));
    assertThat(ws.stats().lastInboundAgeMillis(), lessThan(1_500L));
  }

  @Test
  public void rolloverOpensTheReplacementBeforeClosingTheOldSession() throws Exception {
    connect(BinanceAdapter.spot(), List.of("BTCUSDT", "ETHUSDT"), FAST.withRolloverAfter(Duration.ofMillis(1_500)));
    Await.until("two rollovers", 15_000, () -> ws.stats().rollovers() >= 2, () -> ws.stats().toString());
    ConnectionStats s = ws.stats();
    assertThat(s.gaps(), is(0L));
    assertThat(s.reconnects(), is(0L));
    assertThat(sawOverlap.get(), is(true));
    assertThat(sim.connectionsOpened(), greaterThanOrEqualTo(3L));
    Await.until("the old sessions closed", 10_000, () -> sim.openConnections() == 1);
  }

  @Test
  public void streamsBeyondTheUrlAreSubscribedAgainOnEveryReconnect() throws Exception {
    sim = rig.simulator(ExchangeSimulator.Config.of(List.of("BTCUSDT", "ETHUSDT", "BNBUSDT"), 3_000));
    connect(BinanceAdapter.spot().withUrlStreamLimit(1), List.of("BTCUSDT", "ETHUSDT", "BNBUSDT"), FAST);
    Await.until("all three streams", 5_000, () -> streamsSeen().size() == 3, () -> streamsSeen().toString());
    assertThat(frames.contains("{\"result\":null,\"id\":1}"), is(true));
    sim.dropConnections();
    Await.until("reconnected", 10_000, () -> ws.stats().gaps() == 1);
    frames.clear();
    Await.until("all three streams again", 5_000, () -> streamsSeen().size() == 3, () -> streamsSeen().toString());
  }

  @Test
  public void stopClosesTheConnectionAndDeliversNothingMore() throws Exception {
    connect(BinanceAdapter.spot(), List.of("BTCUSDT"), FAST);
    Await.until("data", 5_000, () -> frames.size() > 10);
    ws.stop();
    assertThat(ws.stats().state(), is(ConnectionState.STOPPED));
    Await.until("closed at the server", 5_000, () -> sim.openConnections() == 0);
    int after = frames.size();
    Thread.sleep(500);
    assertThat(frames.size(), is(after));
    ws.start();
    Await.until("data after start", 5_000, () -> frames.size() > after + 10);
    assertThat(ws.stats().gaps(), is(0L)); // a requested stop is not a gap
  }

  @Test
  public void backsOffWhileTheExchangeIsDownAndRecoversWhenItReturns() throws Exception {
    int port = sim.endpoint().getPort();
    connect(BinanceAdapter.spot(), List.of("BTCUSDT"), FAST);
    Await.until("data", 5_000, () -> frames.size() > 10);
    sim.close();
    Await.until("several failed attempts", 10_000, () -> ws.stats().reconnects() >= 4, () -> ws.stats().toString());
    assertThat(ws.stats().state() == ConnectionState.RECONNECTING || ws.stats().state() == ConnectionState.CONNECTING,
        is(true));
    assertThat(ws.stats().currentGapMillis(), greaterThan(0L));
    sim = rig.simulator(port, ExchangeSimulator.Config.of(List.of("BTCUSDT"), 3_000));
    Await.until("recovered", 10_000, () -> ws.stats().gaps() == 1, () -> ws.stats().toString());
    assertThat(ws.stats().state(), is(ConnectionState.OPEN));
  }

  @Test
  public void anUnreachableEndpointKeepsRetryingWithinTheCap() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    ws = new ReconnectingWebSocket("nowhere", URI.create("ws://127.0.0.1:" + closedPort + "/stream?streams=x"),
        List.of(), listener, FAST, scheduler, ReconnectingWebSocket::monotonicMillis,
        new Backoff(FAST.backoffBase(), FAST.backoffCap(), c -> c));
    ws.start();
    // Ceilings 50, 100, 200, 400, 400...: at least 5 attempts in 2 s, and never a tight loop.
    Thread.sleep(2_000);
    long attempts = ws.stats().reconnects();
    assertThat(attempts, greaterThanOrEqualTo(5L));
    assertThat(attempts, lessThan(12L));
    assertThat(ws.stats().gaps(), is(0L)); // no data ever flowed: downtime, not a gap
  }

  private Set<String> streamsSeen() {
    Set<String> seen = ConcurrentHashMap.newKeySet();
    for (String f : frames) {
      JsonText o = JsonText.parse(f);
      if (o.text("stream") != null) {
        seen.add(o.text("stream"));
      }
    }
    return seen;
  }
}
