package io.candles.ingest.testing;

import io.candles.ingest.IngestOptions;
import io.candles.ingest.Ingester;
import io.candles.ingest.exchange.ExchangeAdapter;
import io.candles.ingest.http.ControlServer;
import io.candles.simulator.ExchangeSimulator;
import java.io.IOException;
import java.util.Map;
import org.junit.rules.ExternalResource;

/**
 * What the ingester's integration tests run: a real broker, the exchange simulator on a free port,
 * and the ingester (with its REST server if asked) pointed at it. Each is started when a test asks
 * for it and closed when the rule ends, the ingester first (so that what it received is flushed
 * while the broker is still there), the broker last when the rig owns it.
 */
public final class IngestRig extends ExternalResource {
  private final BrokerRule broker;
  private final boolean ownsBroker;
  private ExchangeSimulator simulator;
  private Ingester ingester;
  private ControlServer http;

  /** A rig with a broker of its own, started on first use. */
  public IngestRig() {
    this(new BrokerRule(), true);
  }

  /** A rig on a broker shared with other tests (a {@code @ClassRule}). */
  public IngestRig(BrokerRule shared) {
    this(shared, false);
  }

  private IngestRig(BrokerRule broker, boolean ownsBroker) {
    this.broker = broker;
    this.ownsBroker = ownsBroker;
  }

  @Override
  protected void before() throws Throwable {
    if (ownsBroker) {
      broker.before();
    }
  }

  @Override
  protected void after() {
    if (ingester != null) {
      ingester.close();
    }
    if (http != null) {
      http.close();
    }
    if (simulator != null) {
      simulator.close();
    }
    if (ownsBroker) {
      broker.after();
    }
  }

  public BrokerRule broker() {
    return broker;
  }

  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  /** The simulator, started on 127.0.0.1 and a free port. */
  public ExchangeSimulator simulator(ExchangeSimulator.Config config) throws IOException {
    return simulator(0, config);
  }

  /** A simulator on {@code port} (an exchange restarted where it was); it replaces the one before, closed. */
  public ExchangeSimulator simulator(int port, ExchangeSimulator.Config config) throws IOException {
    if (simulator != null) {
      simulator.close();
    }
    simulator = ExchangeSimulator.start("127.0.0.1", port, config);
    return simulator;
  }

  public ExchangeSimulator simulator() {
    return simulator;
  }

  /** The ingester with these command-line options, on the simulator; not started yet. */
  public Ingester ingester(ExchangeAdapter adapter, String... args) throws Exception {
    IngestOptions options = IngestOptions.parse(args, Map.of());
    ingester = Ingester.create(options, adapter, simulator.endpoint());
    return ingester;
  }

  public Ingester ingester() {
    return ingester;
  }

  /** The ingester's REST server on 127.0.0.1 and a free port. */
  public ControlServer http(String token) throws IOException {
    http = ControlServer.start("127.0.0.1", 0, token, ingester);
    return http;
  }
}
