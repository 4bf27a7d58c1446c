package io.candles.runners;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.beam.runners.direct.DirectOptions;

/**
 * The DirectRunner's settings for running the candle pipeline as a service (the local command,
 * a developer's run) rather than as a test; each applies only when the command line does not set
 * that option itself.
 *
 * <p>{@code --enforceImmutability=false}: the DirectRunner encodes every element before and after
 * each step to catch a DoFn that mutates its input. That is a check for tests, where it stays on
 * ({@code TestPipeline} runs every pipeline unit test with it), and it was a quarter of the CPU in
 * a profile of the benchmark's throughput run.
 *
 * <p>How the DirectRunner reads Kafka is the pipeline's own choice ({@code ReadTicks}: KafkaIO's
 * source, in batches), so its integration tests read the way this launcher does.
 */
final class DirectDefaults {

  private DirectDefaults() {}

  /** Applies every setting that {@code given} (the option names on the command line) does not name. */
  static List<String> apply(DirectOptions o, Set<String> given) {
    List<String> applied = new ArrayList<>();
    if (!given.contains("enforceImmutability")) {
      o.setEnforceImmutability(false);
      applied.add("--enforceImmutability=false");
    }
    return applied;
  }
}
