package io.candles.ingest.sim;

import io.candles.ingest.cli.CommandLine;
import io.candles.ingest.cli.CommandLine.BadOption;
import io.candles.ingest.cli.CommandLine.Option;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Runs the exchange simulator as a process, until it is stopped (Ctrl-C / SIGTERM). */
public final class SimulatorMain {
  private static final CommandLine COMMAND_LINE = new CommandLine(
      "mvn -pl ingest -am compile exec:java -Dexec.mainClass=io.candles.ingest.sim.SimulatorMain -Dexec.args=\"...\"",
      "A local exchange speaking Binance's bookTicker WebSocket protocol (/stream?streams=..., /ws/<stream>,\n"
          + "SUBSCRIBE), generating a random-walk book or replaying a recorded file, with optional faults.\n"
          + "Point the ingester at it with --endpoint ws://HOST:PORT.",
      List.of(
          Option.of("host", "127.0.0.1", "address to listen on"),
          Option.of("port", "9443", "port to listen on (0: any free port)"),
          Option.of("pairs", "BTCUSDT,ETHUSDT", "comma-separated pairs to generate"),
          Option.of("rate", "600", "mean ticks per minute per pair (replay: lines per minute)"),
          Option.flag("steady", false, "every pair at exactly --rate, evenly spaced (default: per pair rates, BTCUSDT "
              + "busiest, random gaps, bursts of 2-5 s at 5x the calm rate)"),
          Option.flag("futures", false, "USD-M futures message form (adds e, E event time and T)"),
          Option.of("replay", "", "replay this file (one raw or combined frame per line) instead of the random walk"),
          Option.flag("loop", false, "with --replay: start over at the end"),
          Option.of("seed", "1", "random seed"),
          Option.of("pingInterval", "20s", "how often to ping clients; clients that do not answer are dropped"),
          Option.of("dropEvery", "0s", "fault: drop every connection this often (0s: never)"),
          Option.of("garbageEvery", "0s", "fault: send a garbage frame this often (0s: never)"),
          Option.of("stallEvery", "0s", "fault: stall (send nothing, answer no pings) this often (0s: never)"),
          Option.of("stallFor", "45s", "fault: how long a stall lasts")));

  private SimulatorMain() {}

  public static void main(String[] args) throws Exception {
    if (CommandLine.wantsHelp(args)) {
      System.out.print(COMMAND_LINE.usage());
      return;
    }
    ExchangeSimulator sim;
    Duration dropEvery;
    Duration garbageEvery;
    Duration stallEvery;
    Duration stallFor;
    try {
      CommandLine.Values v = COMMAND_LINE.parse(args);
      List<String> pairs = v.pairs("pairs");
      int rate = v.integer("rate", 1, 6_000_000);
      String replay = v.get("replay");
      dropEvery = v.duration("dropEvery", Duration.ZERO);
      garbageEvery = v.duration("garbageEvery", Duration.ZERO);
      stallEvery = v.duration("stallEvery", Duration.ZERO);
      stallFor = v.duration("stallFor", Duration.ZERO);
      ExchangeSimulator.Config config = new ExchangeSimulator.Config(
          pairs, rate, !v.flag("steady"), v.flag("futures"), v.duration("pingInterval", Duration.ofSeconds(1)),
          Long.parseLong(v.get("seed")), false);
      if (!replay.isEmpty() && !Files.isReadable(Path.of(replay))) {
        throw new BadOption("--replay: cannot read " + Path.of(replay).toAbsolutePath());
      }
      try {
        sim = ExchangeSimulator.start(v.get("host"), v.integer("port", 0, 65535), config);
      } catch (IOException e) {
        throw new BadOption(e.getMessage() + "; choose another --port or stop what is using it");
      }
      if (!replay.isEmpty()) {
        sim.replay(Path.of(replay), v.flag("loop"));
      }
      System.out.println("exchange simulator listening on " + sim.endpoint() + " (pairs " + String.join(",", pairs)
          + ", " + (v.flag("steady") ? "" : "bursty, on average ") + rate + " ticks/min per pair" + (replay.isEmpty() ? "" : ", replaying " + replay)
          + "); ingester: --endpoint " + sim.endpoint());
    } catch (BadOption | NumberFormatException e) {
      System.err.println("simulator: " + e.getMessage() + "; run with --help to list options");
      System.exit(2);
      return;
    }
    ScheduledExecutorService faults = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "simulator-faults");
      t.setDaemon(true);
      return t;
    });
    ExchangeSimulator s = sim;
    every(faults, dropEvery, s::dropConnections);
    every(faults, garbageEvery, () -> s.sendToAll("this is not {json"));
    every(faults, stallEvery, () -> s.stall(stallFor));
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      faults.shutdownNow();
      s.close();
      done.countDown();
    }, "simulator-shutdown"));
    done.await();
  }

  private static void every(ScheduledExecutorService ses, Duration d, Runnable r) {
    if (!d.isZero()) {
      ses.scheduleAtFixedRate(r, d.toMillis(), d.toMillis(), TimeUnit.MILLISECONDS);
    }
  }
}
