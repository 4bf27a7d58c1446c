package io.candles.simulator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** Runs the exchange simulator as a process, until it is stopped (Ctrl-C / SIGTERM). */
@Command(name = "java -jar simulator/target/candles-simulator.jar", sortOptions = false, usageHelpWidth = 110,
    description = {
        "A local exchange speaking Binance's bookTicker WebSocket protocol (/stream?streams=..., /ws/<stream>,",
        "SUBSCRIBE), generating a random-walk book or replaying a recorded file, with optional faults.",
        "Point the ingester at it with --endpoint ws://HOST:PORT.",
        ""})
public final class SimulatorMain {
  private static final Pattern PAIR = Pattern.compile("[A-Z0-9]{2,30}");

  @Option(names = "--host", paramLabel = "<value>", description = "address to listen on [default: ${DEFAULT-VALUE}]")
  String host = "127.0.0.1";

  @Option(names = "--port", paramLabel = "<value>",
      description = "port to listen on (0: any free port) [default: ${DEFAULT-VALUE}]")
  int port = 9443;

  @Option(names = "--pairs", paramLabel = "<value>", split = ",",
      description = "comma-separated pairs to generate [default: BTCUSDT,ETHUSDT]")
  List<String> pairs = new ArrayList<>(List.of("BTCUSDT", "ETHUSDT"));

  @Option(names = "--rate", paramLabel = "<value>",
      description = "mean ticks per minute per pair (replay: lines per minute) [default: ${DEFAULT-VALUE}]")
  int rate = 600;

  @Option(names = "--steady", arity = "0..1", fallbackValue = "true",
      description = "every pair at exactly --rate, evenly spaced (default: per pair rates, BTCUSDT busiest, random "
          + "gaps, bursts of 2-5 s at 5x the calm rate)")
  boolean steady;

  @Option(names = "--futures", arity = "0..1", fallbackValue = "true",
      description = "USD-M futures message form (adds e, E event time and T) [default: ${DEFAULT-VALUE}]")
  boolean futures;

  @Option(names = "--replay", paramLabel = "<value>",
      description = "replay this file (one raw or combined frame per line) instead of the random walk")
  Path replay;

  @Option(names = "--loop", arity = "0..1", fallbackValue = "true",
      description = "with --replay: start over at the end [default: ${DEFAULT-VALUE}]")
  boolean loop;

  @Option(names = "--seed", paramLabel = "<value>", description = "random seed [default: ${DEFAULT-VALUE}]")
  long seed = 1;

  @Option(names = "--pingInterval", paramLabel = "<value>", converter = Durations.class,
      description = "how often to ping clients; clients that do not answer are dropped [default: 20s]")
  Duration pingInterval = Duration.ofSeconds(20);

  @Option(names = "--dropEvery", paramLabel = "<value>", converter = Durations.class,
      description = "fault: drop every connection this often (0s: never) [default: 0s]")
  Duration dropEvery = Duration.ZERO;

  @Option(names = "--garbageEvery", paramLabel = "<value>", converter = Durations.class,
      description = "fault: send a garbage frame this often (0s: never) [default: 0s]")
  Duration garbageEvery = Duration.ZERO;

  @Option(names = "--stallEvery", paramLabel = "<value>", converter = Durations.class,
      description = "fault: stall (send nothing, answer no pings) this often (0s: never) [default: 0s]")
  Duration stallEvery = Duration.ZERO;

  @Option(names = "--stallFor", paramLabel = "<value>", converter = Durations.class,
      description = "fault: how long a stall lasts [default: 45s]")
  Duration stallFor = Duration.ofSeconds(45);

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this and exit")
  boolean help;

  private SimulatorMain() {}

  /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 23h}, {@code 1d}, or ISO-8601 {@code PT30S}. */
  static final class Durations implements ITypeConverter<Duration> {
    private static final Pattern SHORT = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");

    @Override
    public Duration convert(String value) {
      String s = value.trim();
      Matcher m = SHORT.matcher(s.toLowerCase(Locale.ROOT));
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
      }
      try {
        return Duration.parse(s.toUpperCase(Locale.ROOT));
      } catch (RuntimeException e) {
        throw new CommandLine.TypeConversionException("\"" + value + "\" is not a duration; use e.g. 500ms, 30s, 5m");
      }
    }
  }

  public static void main(String[] args) throws Exception {
    SimulatorMain o = new SimulatorMain();
    CommandLine cl = new CommandLine(o);
    ExchangeSimulator sim;
    List<String> symbols;
    try {
      cl.parseArgs(args);
      if (cl.isUsageHelpRequested()) {
        cl.usage(System.out);
        return;
      }
      symbols = o.checkedPairs(cl);
      if (o.rate < 1 || o.rate > 6_000_000) {
        throw new ParameterException(cl, "--rate: " + o.rate + " is outside 1..6000000");
      }
      if (o.port < 0 || o.port > 65535) {
        throw new ParameterException(cl, "--port: " + o.port + " is outside 0..65535");
      }
      if (o.pingInterval.toMillis() < 1000) {
        throw new ParameterException(cl, "--pingInterval: " + o.pingInterval + " is shorter than the minimum 1000ms");
      }
      if (o.replay != null && !Files.isReadable(o.replay)) {
        throw new ParameterException(cl, "--replay: cannot read " + o.replay.toAbsolutePath());
      }
      ExchangeSimulator.Config config = new ExchangeSimulator.Config(
          symbols, o.rate, !o.steady, o.futures, o.pingInterval, o.seed, false);
      try {
        sim = ExchangeSimulator.start(o.host, o.port, config);
      } catch (IOException e) {
        throw new ParameterException(cl, e.getMessage() + "; choose another --port or stop what is using it");
      }
    } catch (ParameterException e) {
      System.err.println("simulator: " + e.getMessage().replace('\n', ' ') + "; run with --help to list options");
      System.exit(2);
      return;
    }
    if (o.replay != null) {
      sim.replay(o.replay, o.loop);
    }
    System.out.println("exchange simulator listening on " + sim.endpoint() + " (pairs " + String.join(",", symbols)
        + ", " + (o.steady ? "" : "bursty, on average ") + o.rate + " ticks/min per pair"
        + (o.replay == null ? "" : ", replaying " + o.replay) + "); ingester: --endpoint " + sim.endpoint());
    ScheduledExecutorService faults = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "simulator-faults");
      t.setDaemon(true);
      return t;
    });
    ExchangeSimulator s = sim;
    every(faults, o.dropEvery, s::dropConnections);
    every(faults, o.garbageEvery, () -> s.sendToAll("this is not {json"));
    every(faults, o.stallEvery, () -> s.stall(o.stallFor));
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      faults.shutdownNow();
      s.close();
      done.countDown();
    }, "simulator-shutdown"));
    done.await();
  }

  /** Upper-cased, without duplicates, each a symbol like BTCUSDT. */
  private List<String> checkedPairs(CommandLine cl) {
    List<String> out = new ArrayList<>();
    for (String p : pairs) {
      String s = p.trim().toUpperCase(Locale.ROOT);
      if (s.isEmpty()) {
        continue;
      }
      if (!PAIR.matcher(s).matches()) {
        throw new ParameterException(cl, "--pairs: \"" + p.trim() + "\" is not a pair symbol like BTCUSDT");
      }
      if (!out.contains(s)) {
        out.add(s);
      }
    }
    if (out.isEmpty()) {
      throw new ParameterException(cl, "--pairs: give at least one pair, e.g. --pairs BTCUSDT,ETHUSDT");
    }
    return out;
  }

  private static void every(ScheduledExecutorService ses, Duration d, Runnable r) {
    if (!d.isZero()) {
      ses.scheduleAtFixedRate(r, d.toMillis(), d.toMillis(), TimeUnit.MILLISECONDS);
    }
  }
}
