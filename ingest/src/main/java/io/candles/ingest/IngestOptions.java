package io.candles.ingest;

import io.candles.contract.TopicNames;
import io.candles.ingest.cli.Arguments;
import io.candles.ingest.cli.BadOption;
import io.candles.ingest.cli.Values;
import io.candles.ingest.kafka.ProducerSettings;
import io.candles.ingest.quality.PriceJumpRule;
import io.candles.ingest.transport.TransportSettings;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

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

  /** The command line as picocli reads it; {@link #parse} checks and converts the values. */
  @Command(name = "candles-ingest", separator = " ", sortOptions = false, usageHelpWidth = 220,
      customSynopsis = "java -jar ingest/target/candles-ingest.jar [options]"
          + "   (or: mvn -pl ingest -am compile exec:java -Dexec.args=\"...\")",
      description = {
          "Streams an exchange's best bid/ask over WebSocket into Kafka as contract tick records,",
          "with rejects to a dead-letter topic, controlled over REST (POST /start, POST /stop,",
          "GET /status, GET /health, GET /metrics).",
          ""},
      optionListHeading = "Options:%n")
  static final class Args {
    @Option(names = "--exchange", paramLabel = "<value>",
        description = "binance | binance-futures | simulator (a local simulated exchange: at --endpoint, or in this"
            + " JVM from candles-simulator.jar next to this jar) [default: ${DEFAULT-VALUE}]")
    String exchange = "binance";

    @Option(names = "--endpoint", paramLabel = "<value>",
        description = "WebSocket base URL instead of the exchange's own (testnet, proxy, recorded feed);"
            + " binance wss://stream.binance.com:9443, binance-futures wss://fstream.binance.com [default: none]")
    String endpoint = "";

    @Option(names = "--pairs", paramLabel = "<value>", description = "comma-separated pairs [default: ${DEFAULT-VALUE}]")
    String pairs = "BTCUSDT,ETHUSDT";

    @Option(names = "--bootstrapServers", paramLabel = "<value>",
        description = "Kafka bootstrap servers [default: ${DEFAULT-VALUE}]")
    String bootstrapServers = "localhost:9092";

    @Option(names = "--topic", paramLabel = "<value>", description = "topic for tick records [default: ${DEFAULT-VALUE}]")
    String topic = TopicNames.TICKS;

    @Option(names = "--dlqTopic", paramLabel = "<value>",
        description = "topic for rejected messages [default: ${DEFAULT-VALUE}]")
    String dlqTopic = TopicNames.DEAD_LETTERS;

    @Option(names = "--httpHost", paramLabel = "<value>",
        description = "address the REST server listens on; any but a loopback address needs --token"
            + " [default: ${DEFAULT-VALUE}]")
    String httpHost = "127.0.0.1";

    @Option(names = "--httpPort", paramLabel = "<value>",
        description = "REST port (0: any free port) [default: ${DEFAULT-VALUE}]")
    String httpPort = "8090";

    @Option(names = "--token", paramLabel = "<value>",
        description = "bearer token required by POST /start and /stop (or env " + TOKEN_VARIABLE + ") [default: none]")
    String token = "";

    @Option(names = "--queueCapacity", paramLabel = "<value>",
        description = "records buffered between the sockets and Kafka; when full the socket readers wait (counted),"
            + " nothing is dropped [default: ${DEFAULT-VALUE}]")
    String queueCapacity = "100000";

    @Option(names = "--maxJump", paramLabel = "<value>",
        description = "flag a mid price that moves more than this fraction from the pair's previous tick (0: off)"
            + " [default: ${DEFAULT-VALUE}]")
    String maxJump = "0.1";

    @Option(names = "--dropJumps", paramLabel = "true|false", arity = "0..1", fallbackValue = "true",
        description = "send flagged price jumps to the dead-letter topic instead of producing them"
            + " [default: ${DEFAULT-VALUE}]")
    String dropJumps = "false";

    @Option(names = "--connectTimeout", paramLabel = "<value>",
        description = "TCP connect + WebSocket handshake limit [default: ${DEFAULT-VALUE}]")
    String connectTimeout = "10s";

    @Option(names = "--silenceTimeout", paramLabel = "<value>",
        description = "a connection silent this long (no message, no pong) is replaced [default: ${DEFAULT-VALUE}]")
    String silenceTimeout = "30s";

    @Option(names = "--pingInterval", paramLabel = "<value>",
        description = "how often the ingester pings the exchange [default: ${DEFAULT-VALUE}]")
    String pingInterval = "10s";

    @Option(names = "--backoffBase", paramLabel = "<value>",
        description = "first reconnect delay ceiling (exponential, full jitter) [default: ${DEFAULT-VALUE}]")
    String backoffBase = "500ms";

    @Option(names = "--backoffCap", paramLabel = "<value>",
        description = "largest reconnect delay [default: ${DEFAULT-VALUE}]")
    String backoffCap = "30s";

    @Option(names = "--rollover", paramLabel = "<value>",
        description = "replace each connection this often, ahead of the exchange's 24 h disconnect"
            + " [default: ${DEFAULT-VALUE}]")
    String rollover = "23h";

    @Option(names = "--maxStreamsPerConnection", paramLabel = "<value>",
        description = "pairs per connection (0: the exchange's limit, 1024 spot, 200 futures) [default: ${DEFAULT-VALUE}]")
    String maxStreamsPerConnection = "0";

    @Option(names = "--shutdownTimeout", paramLabel = "<value>",
        description = "on stop/shutdown, how long to wait for Kafka to acknowledge what was received"
            + " [default: ${DEFAULT-VALUE}]")
    String shutdownTimeout = "30s";

    @Option(names = "--brokerTimeout", paramLabel = "<value>",
        description = "startup check: how long to wait for the broker [default: ${DEFAULT-VALUE}]")
    String brokerTimeout = "10s";

    @Option(names = "--createTopics", paramLabel = "true|false", arity = "0..1", fallbackValue = "true",
        description = "create missing topics at startup (broker defaults); false: fail instead [default: ${DEFAULT-VALUE}]")
    String createTopics = "true";

    @Option(names = "--producer", paramLabel = "<key=value>",
        description = "extra Kafka producer setting key=value, repeatable (e.g. security.protocol=SSL)")
    List<String> producer = new ArrayList<>();

    @Option(names = "--simRate", paramLabel = "<value>",
        description = "--exchange simulator: ticks per minute per pair [default: ${DEFAULT-VALUE}]")
    String simRate = "600";

    @Option(names = "--simPort", paramLabel = "<value>",
        description = "--exchange simulator: simulator port (0: any free port) [default: ${DEFAULT-VALUE}]")
    String simPort = "0";

    @Option(names = "--maxClockSkew", paramLabel = "<value>",
        description = "reject (event_time_in_future) a tick whose event time is further than this ahead of when it"
            + " was received: a bad exchange clock must not pin the candles' watermark [default: ${DEFAULT-VALUE}]")
    String maxClockSkew = "1m";

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this and exit")
    boolean help;
  }

  /** The environment variable that gives {@code --token} when the command line does not. */
  public static final String TOKEN_VARIABLE = "INGEST_TOKEN";

  /** The {@code --help} text. */
  public static String usage() {
    return Arguments.command(new Args()).getUsageMessage();
  }

  /** Parses the command line; {@code env} supplies {@code INGEST_TOKEN}. */
  public static IngestOptions parse(String[] args, Map<String, String> env) throws BadOption {
    Args a = new Args();
    CommandLine cl = Arguments.command(a);
    cl.setDefaultValueProvider(arg -> arg instanceof OptionSpec o && o.longestName().equals("--token")
        ? env.get(TOKEN_VARIABLE) : null);
    Arguments.parse(cl, args);
    String exchange = Values.choice("exchange", a.exchange, EXCHANGES);
    URI endpoint = Values.webSocketUri("endpoint", a.endpoint);
    List<String> pairs = Values.pairs("pairs", a.pairs);
    String bootstrap = Values.nonEmpty("bootstrapServers", a.bootstrapServers);
    String topic = Values.nonEmpty("topic", a.topic);
    String dlq = Values.nonEmpty("dlqTopic", a.dlqTopic);
    if (topic.equals(dlq)) {
      throw new BadOption("--topic and --dlqTopic are both \"" + topic + "\"; rejects need their own topic");
    }
    String token = a.token == null || a.token.isEmpty() ? null : a.token;
    String httpHost = Values.nonEmpty("httpHost", a.httpHost);
    if (token == null && !isLoopback(httpHost)) {
      // Anyone who can reach the port could stop the flow: a non-local listener needs the token.
      throw new BadOption("--httpHost " + httpHost + " is not a loopback address, and POST /start and /stop would "
          + "be open to anyone who reaches it: pass --token (or INGEST_TOKEN), or listen on 127.0.0.1");
    }
    PriceJumpRule jumps;
    try {
      jumps = PriceJumpRule.of(Values.decimal("maxJump", a.maxJump), Values.flag("dropJumps", a.dropJumps));
    } catch (IllegalArgumentException e) {
      throw new BadOption("--maxJump: " + e.getMessage());
    }
    Duration backoffBase = Values.duration("backoffBase", a.backoffBase, Duration.ofMillis(1));
    Duration backoffCap = Values.duration("backoffCap", a.backoffCap, Duration.ofMillis(1));
    if (backoffCap.compareTo(backoffBase) < 0) {
      throw new BadOption("--backoffCap " + a.backoffCap + " is below --backoffBase " + a.backoffBase);
    }
    Duration silence = Values.duration("silenceTimeout", a.silenceTimeout, Duration.ofMillis(100));
    Duration ping = Values.duration("pingInterval", a.pingInterval, Duration.ofMillis(50));
    if (ping.compareTo(silence) >= 0) {
      throw new BadOption("--pingInterval " + a.pingInterval + " must be shorter than --silenceTimeout "
          + a.silenceTimeout + ", or a quiet healthy connection looks dead");
    }
    TransportSettings transport = TransportSettings.defaults()
        .withConnectTimeout(Values.duration("connectTimeout", a.connectTimeout, Duration.ofMillis(100)))
        .withSilenceTimeout(silence)
        .withPingInterval(ping)
        .withBackoff(backoffBase, backoffCap)
        .withRolloverAfter(Values.duration("rollover", a.rollover, Duration.ofSeconds(1)))
        .withWatchdogPeriod(Duration.ofMillis(Math.min(1000, Math.max(20, ping.toMillis() / 2))));
    return new IngestOptions(
        exchange, endpoint, pairs, bootstrap, topic, dlq,
        httpHost, Values.integer("httpPort", a.httpPort, 0, 65535), token,
        Values.integer("queueCapacity", a.queueCapacity, 1, 50_000_000), jumps, transport,
        Values.integer("maxStreamsPerConnection", a.maxStreamsPerConnection, 0, 100_000),
        Values.duration("shutdownTimeout", a.shutdownTimeout, Duration.ZERO),
        Values.duration("brokerTimeout", a.brokerTimeout, Duration.ofMillis(100)),
        Values.flag("createTopics", a.createTopics), producerOverrides(a.producer),
        Values.integer("simRate", a.simRate, 1, 6_000_000), Values.integer("simPort", a.simPort, 0, 65535),
        Values.duration("maxClockSkew", a.maxClockSkew, Duration.ZERO));
  }

  /** Whether every address the host name stands for is a loopback address (an unknown name is not). */
  static boolean isLoopback(String host) {
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static Map<String, String> producerOverrides(List<String> entries) throws BadOption {
    Map<String, String> overrides = Values.keyValues("producer", entries);
    try {
      ProducerSettings.check(overrides);
    } catch (IllegalArgumentException e) {
      throw new BadOption("--producer " + e.getMessage());
    }
    return Map.copyOf(overrides);
  }
}
