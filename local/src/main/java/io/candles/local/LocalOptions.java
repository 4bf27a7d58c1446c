package io.candles.local;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command line of run-local.sh, checked whole before anything starts: a typo must not cost a
 * minute of starting PostgreSQL and Kafka first. A bad option is an IllegalArgumentException whose
 * message is one line saying what is wrong.
 *
 * @param httpPort the ingester's REST port, 0 for a free one
 * @param servePort the candle server's port (the web page, REST and WebSocket), 0 for a free one
 * @param durationMillis 0 to run until Ctrl-C
 */
record LocalOptions(Path dataDir, String source, List<String> pairs, int rate, String runner,
    long durationMillis, int httpPort, int servePort) {

  static final String USAGE = String.join("\n",
      "Usage: scripts/run-local.sh [options]",
      "  --data-dir DIR     where Kafka and PostgreSQL keep their data (default ./.local-data)",
      "  --source S         simulator (default) or binance (the live feed, same code path)",
      "  --pairs P,Q        pairs (default BTCUSDT,ETHUSDT,SOLUSDT)",
      "  --rate N           simulator ticks per minute per pair, on average (default 1200; BTCUSDT",
      "                     busiest, with bursts of 2-5 s at 5x the calm rate)",
      "  --runner R         direct (default) or flink (a local Flink mini-cluster)",
      "  --duration D       stop by itself after D (e.g. 60s, 5m); default: run until Ctrl-C",
      "  --http-port N      the ingester's REST port (default: a free one)",
      "  --serve-port N     the candle server's port: the live chart, Binance-style REST and WebSocket",
      "                     (default: a free one)",
      "  --help             this text");

  private static final List<String> KEYS =
      List.of("data-dir", "source", "pairs", "rate", "runner", "duration", "http-port", "serve-port");
  private static final Pattern PAIR = Pattern.compile("[A-Z0-9]{2,30}");

  /** Whether the arguments ask for the usage text. */
  static boolean wantsHelp(String[] args) {
    return Arrays.stream(args).anyMatch(a -> a.equals("--help") || a.equals("-h"));
  }

  static LocalOptions parse(String... args) {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String key;
      String value;
      if (a.startsWith("--") && a.contains("=")) {
        key = a.substring(2, a.indexOf('='));
        value = a.substring(a.indexOf('=') + 1);
      } else if (a.startsWith("--") && i + 1 < args.length) {
        key = a.substring(2);
        value = args[++i];
      } else if (a.startsWith("--")) {
        throw new IllegalArgumentException((KEYS.contains(a.substring(2)) ? a + " needs a value"
            : "unknown option " + a) + " (see --help)");
      } else {
        throw new IllegalArgumentException("unexpected argument " + a + " (see --help)");
      }
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("unknown option --" + key + " (see --help)");
      }
      opts.put(key, value);
    }
    String source = opts.getOrDefault("source", "simulator");
    if (!source.equals("simulator") && !source.equals("binance")) {
      throw new IllegalArgumentException("--source must be simulator or binance, got " + source);
    }
    String runner = opts.getOrDefault("runner", "direct");
    if (!runner.equals("direct") && !runner.equals("flink")) {
      throw new IllegalArgumentException("--runner must be direct or flink, got " + runner);
    }
    List<String> pairs = Arrays.stream(opts.getOrDefault("pairs", "BTCUSDT,ETHUSDT,SOLUSDT").split(","))
        .map(String::trim).map(String::toUpperCase).filter(s -> !s.isEmpty()).distinct().toList();
    if (pairs.isEmpty()) {
      throw new IllegalArgumentException("--pairs needs at least one pair, e.g. --pairs BTCUSDT,ETHUSDT");
    }
    for (String p : pairs) {
      if (!PAIR.matcher(p).matches()) {
        throw new IllegalArgumentException("--pairs: " + p + " is not a pair like BTCUSDT");
      }
    }
    int rate = integer(opts, "rate", 1200, 1, 6_000_000);
    int httpPort = integer(opts, "http-port", 0, 1, 65535);
    int servePort = integer(opts, "serve-port", 0, 1, 65535);
    long duration = opts.containsKey("duration") ? parseDuration(opts.get("duration")) : 0;
    Path dataDir = Paths.get(opts.getOrDefault("data-dir", ".local-data")).toAbsolutePath().normalize();
    return new LocalOptions(dataDir, source, pairs, rate, runner, duration, httpPort, servePort);
  }

  private static int integer(Map<String, String> opts, String key, int dflt, int min, int max) {
    if (!opts.containsKey(key)) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(opts.get(key).trim());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // Said below.
    }
    throw new IllegalArgumentException("--" + key + " must be a whole number from " + min + " to " + max
        + ", got " + opts.get(key));
  }

  static long parseDuration(String s) {
    Matcher m = Pattern.compile("(\\d{1,9})(ms|s|m|h)").matcher(s.trim());
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw new IllegalArgumentException("--duration " + s + " is not a duration like 60s, 5m or 1h");
    }
    long n = Long.parseLong(m.group(1));
    switch (m.group(2)) {
      case "ms": return n;
      case "s": return n * 1000;
      case "m": return n * 60_000;
      default: return n * 3_600_000;
    }
  }
}
