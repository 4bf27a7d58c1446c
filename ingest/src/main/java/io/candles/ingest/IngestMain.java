package io.candles.ingest;

import io.candles.ingest.cli.Arguments;
import io.candles.ingest.cli.BadOption;
import io.candles.ingest.exchange.ExchangeAdapter;
import io.candles.ingest.exchange.binance.BinanceAdapter;
import io.candles.ingest.http.ControlServer;
import io.candles.ingest.kafka.BrokerCheck;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the ingester: checks the options and the broker, starts the REST server and the flow, and
 * on SIGTERM/Ctrl-C stops the flow and flushes what was received to Kafka.
 *
 * <p>Exit codes: 0 after a clean shutdown or {@code --help}; 2 for a bad option; 3 when a
 * dependency is unavailable (broker, REST port, simulator port). Each failure is one line on
 * stderr saying what, where, and what to do.
 */
public final class IngestMain {
  private static final Logger log = LoggerFactory.getLogger(IngestMain.class);

  private IngestMain() {}

  public static void main(String[] args) throws InterruptedException {
    if (Arguments.wantsHelp(args)) {
      System.out.print(IngestOptions.usage());
      return;
    }
    IngestOptions options;
    try {
      options = IngestOptions.parse(args, System.getenv());
    } catch (BadOption e) {
      fail(2, e.getMessage() + "; run with --help to list options");
      return;
    }

    // The broker first: when it is missing, that is the one line to print, before anything else starts.
    try {
      List<String> created = BrokerCheck.verify(options.bootstrapServers(), options.brokerTimeout(),
          List.of(options.topic(), options.dlqTopic()), options.createTopics(), options.producerOverrides());
      if (!created.isEmpty()) {
        log.info("created topic(s) {} on {}", created, options.bootstrapServers());
      }
    } catch (BrokerCheck.BrokerUnavailableException e) {
      fail(3, e.getMessage());
      return;
    }

    ControlServer http;
    try {
      http = ControlServer.bind(options.httpHost(), options.httpPort(), options.token());
    } catch (IOException e) {
      fail(3, "cannot listen for REST on " + options.httpHost() + ":" + options.httpPort() + " (" + e.getMessage()
          + "); pass another --httpPort or --httpHost");
      return;
    }

    InProcessSimulator simulator = null;
    ExchangeAdapter adapter;
    URI endpoint;
    switch (options.exchange()) {
      case "binance-futures":
        adapter = BinanceAdapter.futures();
        endpoint = options.endpoint() != null ? options.endpoint() : adapter.defaultEndpoint();
        break;
      case "simulator":
        adapter = BinanceAdapter.spot().named("simulator");
        if (options.endpoint() != null) {
          endpoint = options.endpoint(); // a simulator already running as its own process
        } else {
          try {
            simulator = InProcessSimulator.start(options.simPort(), options.pairs(), options.simRate());
          } catch (IOException e) {
            http.close();
            fail(3, "cannot start the exchange simulator: " + e.getMessage() + "; pass another --simPort");
            return;
          } catch (InProcessSimulator.Missing e) {
            http.close();
            fail(3, e.getMessage());
            return;
          }
          endpoint = simulator.endpoint();
          log.info("exchange simulator running at {} ({} ticks/min per pair)", endpoint, options.simRate());
        }
        break;
      default:
        adapter = BinanceAdapter.spot();
        endpoint = options.endpoint() != null ? options.endpoint() : adapter.defaultEndpoint();
    }

    Ingester ingester;
    try {
      ingester = Ingester.create(options, adapter, endpoint);
    } catch (KafkaException e) {
      // Settings the option check let through but the producer refuses (a combination, a class
      // that does not load): the producer's own words, on one line.
      http.close();
      closeQuietly(simulator);
      String why = e.getMessage() == null ? e.toString() : e.getMessage().replaceAll("\\s*\\R\\s*", " ");
      fail(2, "the Kafka producer refuses its settings (--producer and the ingester's own): " + why
          + "; fix or drop the --producer setting it names");
      return;
    }
    http.serve(ingester);
    ingester.start();
    log.info("REST on http://{}:{} (POST /start, POST /stop{}; GET /status, /health, /metrics)",
        options.httpHost(), http.port(), options.token() == null ? "" : " with bearer token");

    CountDownLatch done = new CountDownLatch(1);
    InProcessSimulator sim = simulator;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("shutting down: stopping the flow and flushing what was received to Kafka (up to {} ms)",
          options.shutdownTimeout().toMillis());
      ingester.close();
      http.close();
      closeQuietly(sim);
      done.countDown();
    }, "ingest-shutdown"));
    done.await();
  }

  private static void closeQuietly(InProcessSimulator sim) {
    if (sim != null) {
      sim.stop().run();
    }
  }

  private static void fail(int code, String message) {
    System.err.println("ingest: " + message);
    System.exit(code);
  }
}
