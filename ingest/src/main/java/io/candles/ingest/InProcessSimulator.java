package io.candles.ingest;

import io.candles.simulator.ExchangeSimulator;
import java.io.IOException;
import java.net.URI;
import java.util.List;

/**
 * {@code --exchange simulator} without {@code --endpoint}: the exchange simulator in this JVM. Its
 * classes are not in the production jar; they are found when candles-simulator.jar lies next to
 * candles-ingest.jar (the jar's manifest names it) or is on the classpath. Only this class refers to
 * them, so that the ingester loads without them.
 *
 * @param endpoint where it listens
 * @param stop stops it
 */
record InProcessSimulator(URI endpoint, Runnable stop) {

  /** Thrown when the simulator's classes are not there. */
  static final class Missing extends Exception {
    Missing() {
      super("the exchange simulator is not on the classpath (candles-simulator.jar next to candles-ingest.jar);"
          + " start it as its own process (java -jar candles-simulator.jar) and pass --endpoint ws://HOST:PORT",
          null, false, false);
    }
  }

  static InProcessSimulator start(int port, List<String> pairs, int ticksPerMinute) throws IOException, Missing {
    try {
      return Started.start(port, pairs, ticksPerMinute);
    } catch (NoClassDefFoundError e) {
      throw new Missing();
    }
  }

  /** Loaded only once the simulator is known to be wanted. */
  private static final class Started {
    static InProcessSimulator start(int port, List<String> pairs, int ticksPerMinute) throws IOException {
      ExchangeSimulator sim = ExchangeSimulator.start("127.0.0.1", port, ExchangeSimulator.Config.of(pairs, ticksPerMinute));
      return new InProcessSimulator(sim.endpoint(), sim::close);
    }
  }
}
