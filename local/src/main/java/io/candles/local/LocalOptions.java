package io.candles.local;

import io.candles.contract.Durations;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The command line of run-local.sh (picocli), checked whole before anything starts: a typo must not
 * cost a minute of starting PostgreSQL and Kafka first. A bad option is an IllegalArgumentException
 * whose message is one line saying what is wrong.
 *
 * @param httpPort the ingester's REST port, 0 for a free one
 * @param servePort the candle server's port (the web page, REST and WebSocket), 0 for a free one
 * @param durationMillis 0 to run until Ctrl-C
 */
record LocalOptions(Path dataDir, String source, List<String> pairs, int rate, String runner,
    long durationMillis, int httpPort, int servePort) {

  private static final Pattern PAIR = Pattern.compile("[A-Z0-9]{2,30}");

  /** The command line as picocli reads it; {@link #parse} checks the values. */
  @Command(name = "scripts/run-local.sh", sortOptions = false, usageHelpWidth = 110,
      synopsisHeading = "Usage: ", customSynopsis = "scripts/run-local.sh [options]")
  static final class Args {
    @Option(names = "--data-dir", paramLabel = "DIR",
        description = "where Kafka and PostgreSQL keep their data (default ${DEFAULT-VALUE})")
    String dataDir = "./.local-data";

    @Option(names = "--source", paramLabel = "S",
        description = "simulator (default) or binance (the live feed, same code path)")
    String source = "simulator";

    @Option(names = "--pairs", paramLabel = "P,Q", description = "pairs (default ${DEFAULT-VALUE})")
    String pairs = "BTCUSDT,ETHUSDT,SOLUSDT";

    @Option(names = "--rate", paramLabel = "N",
        description = "simulator ticks per minute per pair, on average (default ${DEFAULT-VALUE}; BTCUSDT busiest,"
            + " with bursts of 2-5 s at 5x the calm rate)")
    String rate = "1200";

    @Option(names = "--runner", paramLabel = "R", description = "direct (default) or flink (a local Flink mini-cluster)")
    String runner = "direct";

    @Option(names = "--duration", paramLabel = "D",
        description = "stop by itself after D (e.g. 60s, 5m); default: run until Ctrl-C")
    String duration;

    @Option(names = "--http-port", paramLabel = "N", description = "the ingester's REST port (default: a free one)")
    String httpPort;

    @Option(names = "--serve-port", paramLabel = "N",
        description = "the candle server's port: the live chart, Binance-style REST and WebSocket (default: a free one)")
    String servePort;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "this text")
    boolean help;
  }

  /** The {@code --help} text. */
  static String usage() {
    return command(new Args()).getUsageMessage();
  }

  /** Whether the arguments ask for the usage text. */
  static boolean wantsHelp(String[] args) {
    return Arrays.stream(args).anyMatch(a -> a.equals("--help") || a.equals("-h"));
  }

  static LocalOptions parse(String... args) {
    Args a = new Args();
    try {
      command(a).parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      throw new IllegalArgumentException(e.getMessage().replaceAll("\\s*\\R\\s*", " ") + " (see --help)");
    }
    if (!a.source.equals("simulator") && !a.source.equals("binance")) {
      throw new IllegalArgumentException("--source must be simulator or binance, got " + a.source);
    }
    if (!a.runner.equals("direct") && !a.runner.equals("flink")) {
      throw new IllegalArgumentException("--runner must be direct or flink, got " + a.runner);
    }
    List<String> pairs = Arrays.stream(a.pairs.split(","))
        .map(String::trim).map(String::toUpperCase).filter(s -> !s.isEmpty()).distinct().toList();
    if (pairs.isEmpty()) {
      throw new IllegalArgumentException("--pairs needs at least one pair, e.g. --pairs BTCUSDT,ETHUSDT");
    }
    for (String p : pairs) {
      if (!PAIR.matcher(p).matches()) {
        throw new IllegalArgumentException("--pairs: " + p + " is not a pair like BTCUSDT");
      }
    }
    int rate = integer("rate", a.rate, 1, 6_000_000);
    int httpPort = a.httpPort == null ? 0 : integer("http-port", a.httpPort, 1, 65535);
    int servePort = a.servePort == null ? 0 : integer("serve-port", a.servePort, 1, 65535);
    long duration = a.duration == null ? 0 : parseDuration(a.duration);
    Path dataDir = Paths.get(a.dataDir).toAbsolutePath().normalize();
    return new LocalOptions(dataDir, a.source, pairs, rate, a.runner, duration, httpPort, servePort);
  }

  private static CommandLine command(Args a) {
    CommandLine cl = new CommandLine(a);
    cl.setExpandAtFiles(false);
    cl.setUsageHelpAutoWidth(false);
    return cl;
  }

  private static int integer(String key, String value, int min, int max) {
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // Said below.
    }
    throw new IllegalArgumentException("--" + key + " must be a whole number from " + min + " to " + max
        + ", got " + value);
  }

  /** By the project's one duration parser; a run of no time is refused too. */
  static long parseDuration(String s) {
    long millis;
    try {
      millis = Durations.parse("duration", s).toMillis();
    } catch (IllegalArgumentException e) {
      millis = 0;
    }
    if (millis <= 0) {
      throw new IllegalArgumentException("--duration " + s + " is not a duration like 60s, 5m or 1h");
    }
    return millis;
  }
}
