package io.candles.ingest;

import io.candles.ingest.cli.CommandLine;
import io.candles.ingest.cli.CommandLine.BadOption;
import io.candles.ingest.cli.CommandLine.Option;
import io.candles.ingest.kafka.ProducerSettings;
import io.candles.ingest.quality.PriceJumpRule;
import io.candles.ingest.transport.TransportSettings;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The ingester's configuration, from the command line.
 *
 * @param exchange {@code binance}, {@code binance-futures} or {@code simulator}
 * @param endpoint the WebSocket base URL, or null for the exchange's own
 * @param pairs upper-case pair symbols
 * @param maxStreamsPerConnection 0 for the exchange's limit
 * @param token bearer token for start/stop, or null
 * @param simRate the in-process simulator's ticks per minute per pair ({@code --exchange simulator})
 * @param simPort the in-process simulator's port, 0 for any free one
 * @param maxClockSkew how far ahead of the receive time an exchange's event time may be
 */
public record IngestOptions(
    String exchange,
    URI endpoint,
    List<String> pairs,
    String bootstrapServers,
    String topic,
    String dlqTopic,
    String httpHost,
    int httpPort,
    String token,
    int queueCapacity,
    PriceJumpRule priceJumps,
    TransportSettings transport,
    int maxStreamsPerConnection,
    Duration shutdownTimeout,
    Duration brokerTimeout,
    boolean createTopics,
    Map<String, String> producerOverrides,
    int simRate,
    int simPort,
    Duration maxClockSkew) {

  public static final List<String> EXCHANGES = List.of("binance", "binance-futures", "simulator");

  static final CommandLine COMMAND_LINE = new CommandLine(
      "mvn -pl ingest -am compile exec:java -Dexec.args=\"...\"   (or: java -cp ... io.candles.ingest.IngestMain)",
      "Streams an exchange's best bid/ask over WebSocket into Kafka as contract tick records,\n"
          + "with rejects to a dead-letter topic, controlled over REST (POST /start, POST /stop,\n"
          + "GET /status, GET /health, GET /metrics).",
      List.of(
          Option.of("exchange", "binance", "binance | binance-futures | simulator (a local simulated exchange)"),
          Option.of("endpoint", "", "WebSocket base URL instead of the exchange's own (testnet, proxy, recorded feed);"
              + " binance wss://stream.binance.com:9443, binance-futures wss://fstream.binance.com"),
          Option.of("pairs", "BTCUSDT,ETHUSDT", "comma-separated pairs"),
          Option.of("bootstrapServers", "localhost:9092", "Kafka bootstrap servers"),
          Option.of("topic", "ticks", "topic for tick records"),
          Option.of("dlqTopic", "ticks-dlq", "topic for rejected messages"),
          Option.of("httpHost", "127.0.0.1", "address the REST server listens on"),
          Option.of("httpPort", "8090", "REST port (0: any free port)"),
          Option.of("token", "", "bearer token required by POST /start and /stop (or env INGEST_TOKEN)"),
          Option.of("queueCapacity", "100000", "records buffered between the sockets and Kafka; when full the"
              + " socket readers wait (counted), nothing is dropped"),
          Option.of("maxJump", "0.1", "flag a mid price that moves more than this fraction from the pair's previous"
              + " tick (0: off)"),
          Option.flag("dropJumps", false, "send flagged price jumps to the dead-letter topic instead of producing them"),
          Option.of("connectTimeout", "10s", "TCP connect + WebSocket handshake limit"),
          Option.of("silenceTimeout", "30s", "a connection silent this long (no message, no pong) is replaced"),
          Option.of("pingInterval", "10s", "how often the ingester pings the exchange"),
          Option.of("backoffBase", "500ms", "first reconnect delay ceiling (exponential, full jitter)"),
          Option.of("backoffCap", "30s", "largest reconnect delay"),
          Option.of("rollover", "23h", "replace each connection this often, ahead of the exchange's 24 h disconnect"),
          Option.of("maxStreamsPerConnection", "0", "pairs per connection (0: the exchange's limit, 1024 spot,"
              + " 200 futures)"),
          Option.of("shutdownTimeout", "30s", "on stop/shutdown, how long to wait for Kafka to acknowledge what"
              + " was received"),
          Option.of("brokerTimeout", "10s", "startup check: how long to wait for the broker"),
          Option.flag("createTopics", true, "create missing topics at startup (broker defaults); false: fail instead"),
          Option.repeatable("producer", "extra Kafka producer setting key=value, repeatable (e.g. security.protocol=SSL)"),
          Option.of("simRate", "600", "--exchange simulator: ticks per minute per pair"),
          Option.of("simPort", "0", "--exchange simulator: simulator port (0: any free port)"),
          Option.of("maxClockSkew", "1m", "reject (event_time_in_future) a tick whose event time is further than this"
              + " ahead of when it was received: a bad exchange clock must not pin the candles' watermark")));

  /** The {@code --help} text. */
  public static String usage() {
    return COMMAND_LINE.usage();
  }

  /** Parses the command line; {@code env} supplies {@code INGEST_TOKEN}. */
  public static IngestOptions parse(String[] args, Map<String, String> env) throws BadOption {
    CommandLine.Values v = COMMAND_LINE.parse(args);
    String exchange = v.choice("exchange", EXCHANGES);
    URI endpoint = v.webSocketUri("endpoint");
    List<String> pairs = v.pairs("pairs");
    String bootstrap = nonEmpty(v, "bootstrapServers");
    String topic = nonEmpty(v, "topic");
    String dlq = nonEmpty(v, "dlqTopic");
    if (topic.equals(dlq)) {
      throw new BadOption("--topic and --dlqTopic are both \"" + topic + "\"; rejects need their own topic");
    }
    String token = v.get("token");
    if (token == null || token.isEmpty()) {
      token = env.get("INGEST_TOKEN");
    }
    if (token != null && token.isEmpty()) {
      token = null;
    }
    PriceJumpRule jumps;
    try {
      jumps = PriceJumpRule.of(v.decimal("maxJump"), v.flag("dropJumps"));
    } catch (IllegalArgumentException e) {
      throw new BadOption("--maxJump: " + e.getMessage());
    }
    Duration backoffBase = v.duration("backoffBase", Duration.ofMillis(1));
    Duration backoffCap = v.duration("backoffCap", Duration.ofMillis(1));
    if (backoffCap.compareTo(backoffBase) < 0) {
      throw new BadOption("--backoffCap " + v.get("backoffCap") + " is below --backoffBase " + v.get("backoffBase"));
    }
    Duration silence = v.duration("silenceTimeout", Duration.ofMillis(100));
    Duration ping = v.duration("pingInterval", Duration.ofMillis(50));
    if (ping.compareTo(silence) >= 0) {
      throw new BadOption("--pingInterval " + v.get("pingInterval") + " must be shorter than --silenceTimeout "
          + v.get("silenceTimeout") + ", or a quiet healthy connection looks dead");
    }
    TransportSettings transport = TransportSettings.defaults()
        .withConnectTimeout(v.duration("connectTimeout", Duration.ofMillis(100)))
        .withSilenceTimeout(silence)
        .withPingInterval(ping)
        .withBackoff(backoffBase, backoffCap)
        .withRolloverAfter(v.duration("rollover", Duration.ofSeconds(1)))
        .withWatchdogPeriod(Duration.ofMillis(Math.min(1000, Math.max(20, ping.toMillis() / 2))));
    return new IngestOptions(
        exchange, endpoint, pairs, bootstrap, topic, dlq,
        nonEmpty(v, "httpHost"), v.integer("httpPort", 0, 65535), token,
        v.integer("queueCapacity", 1, 50_000_000), jumps, transport,
        v.integer("maxStreamsPerConnection", 0, 100_000),
        v.duration("shutdownTimeout", Duration.ZERO), v.duration("brokerTimeout", Duration.ofMillis(100)),
        v.flag("createTopics"), producerOverrides(v),
        v.integer("simRate", 1, 6_000_000), v.integer("simPort", 0, 65535),
        v.duration("maxClockSkew", Duration.ZERO));
  }

  private static Map<String, String> producerOverrides(CommandLine.Values v) throws BadOption {
    Map<String, String> overrides = v.keyValues("producer");
    try {
      ProducerSettings.check(overrides);
    } catch (IllegalArgumentException e) {
      throw new BadOption("--producer " + e.getMessage());
    }
    return Map.copyOf(overrides);
  }

  private static String nonEmpty(CommandLine.Values v, String name) throws BadOption {
    String s = v.get(name);
    if (s == null || s.trim().isEmpty()) {
      throw new BadOption("--" + name + " is empty");
    }
    return s.trim();
  }
}
