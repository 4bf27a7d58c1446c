package io.candles.runners;

import io.candles.pipeline.CandleOptions;
import io.candles.pipeline.CandlePipeline;
import io.candles.pipeline.Preflight;
import java.util.Arrays;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Runs the candle pipeline: checks the options, the broker and the database (creating missing
 * topics and the candle table), then runs until stopped. On the DirectRunner by default:
 * {@code mvn -pl runners exec:java -Dexec.args="--bootstrapServers=... --jdbcUrl=..."}.
 * {@code --help} lists every option with its default.
 */
public final class CandlesLauncher {

  private CandlesLauncher() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the pipeline; returns the process exit code. */
  public static int run(String[] args) {
    PipelineOptionsFactory.register(CandleOptions.class);
    if (Arrays.stream(args).anyMatch(a -> a.equals("--help") || a.equals("-h"))) {
      System.out.println("Candle pipeline: ticks from Kafka to sliding OHLC candles in PostgreSQL.");
      System.out.println("Usage: --option=value ... (every option below, with its default)");
      PipelineOptionsFactory.printHelp(System.out, CandleOptions.class);
      return 0;
    }
    CandleOptions options;
    try {
      options = PipelineOptionsFactory.fromArgs(args).withValidation().as(CandleOptions.class);
      Preflight.options(options);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + firstLine(e.getMessage()) + " (see --help)");
      return 2;
    }
    try {
      Preflight.kafka(options.getBootstrapServers(), options.getTopic(),
          options.getTopicPartitions(), options.getDlqTopic());
      Preflight.database(CandlePipeline.jdbc(options), options.getTable());
    } catch (Preflight.ServiceUnavailableException e) {
      System.err.println("error: " + e.getMessage());
      return 3;
    }
    Pipeline p = CandlePipeline.create(options);
    System.out.println("Candle pipeline running on " + options.getRunner().getSimpleName()
        + ": " + options.getBootstrapServers() + "/" + options.getTopic() + " -> "
        + options.getJdbcUrl() + " table " + options.getTable() + ". Ctrl-C stops it.");
    PipelineResult result = p.run();
    PipelineResult.State state = result.waitUntilFinish();
    System.out.println("Candle pipeline ended: " + state);
    return state == PipelineResult.State.DONE ? 0 : 1;
  }

  private static String firstLine(String s) {
    return s == null ? "invalid option" : s.lines().findFirst().orElse(s);
  }
}
