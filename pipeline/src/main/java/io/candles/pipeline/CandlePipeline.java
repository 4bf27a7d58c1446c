package io.candles.pipeline;

import io.candles.contract.DeadLetter;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.options.ExperimentalOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.POutput;

/**
 * The candle pipeline: read ticks, parse and validate them, compute sliding OHLC candles, upsert
 * them, and send rejected records to the dead-letter topic.
 *
 * <p>{@link #build} takes its source and sinks as arguments, so tests can swap Kafka or JDBC and
 * every launcher (DirectRunner, Flink) shares the one composition.
 */
public final class CandlePipeline {

  private CandlePipeline() {}

  /** Composes the pipeline on {@code p} from the given source and sinks. */
  public static void build(
      Pipeline p,
      PTransform<PBegin, PCollection<KafkaRecord<String, String>>> source,
      CandleWindowing windowing,
      PTransform<PCollection<Candle>, ? extends POutput> candleSink,
      PTransform<PCollection<DeadLetter>, ? extends POutput> deadLetterSink) {
    PCollectionTuple parsed = p.apply(source).apply(new ParseTicks());
    parsed.get(ParseTicks.QUOTES)
        .apply(new ComputeCandles(windowing))
        .apply(candleSink);
    parsed.get(ParseTicks.DEAD_LETTERS).apply(deadLetterSink);
  }

  /** The production wiring: Kafka in, PostgreSQL and the dead-letter topic out. */
  public static Pipeline create(CandleOptions options) {
    options.setStreaming(true);
    chooseKafkaRead(options);
    Pipeline p = Pipeline.create(options);
    build(p,
        new ReadTicks(options.getBootstrapServers(), options.getTopic(),
            Durations.parse("maxOutOfOrderness", options.getMaxOutOfOrderness()),
            Durations.parse("idleTimeout", options.getIdleTimeout())),
        windowing(options),
        new UpsertCandles(jdbc(options), options.getTable(), options.getJdbcBatchSize()),
        new WriteDeadLetters(options.getBootstrapServers(), options.getDlqTopic()));
    return p;
  }

  /** The experiments that choose how KafkaIO reads; if one is set, it is the user's choice. */
  static final List<String> READ_EXPERIMENTS =
      List.of("use_unbounded_sdf_wrapper", "use_sdf_read", "use_deprecated_read");

  /**
   * On the DirectRunner, reads Kafka through Beam's SDF wrapper around the same unbounded source,
   * unless an experiment already chooses the read.
   *
   * <p>Why: the DirectRunner's own evaluator for unbounded sources hands over at most 10 records
   * per bundle and, by design, to exercise checkpoints, closes and re-creates the reader (a new
   * Kafka consumer) on one bundle in twenty: that caps it at a few hundred ticks/s. The wrapper
   * keeps readers cached across checkpoints and hands over 100 records per bundle; the bench
   * measured about 5 times the throughput. Flink runs the unbounded source directly and needs
   * neither.
   */
  static void chooseKafkaRead(PipelineOptions options) {
    if (!options.getRunner().getName().equals("org.apache.beam.runners.direct.DirectRunner")) {
      return;
    }
    ExperimentalOptions experiments = options.as(ExperimentalOptions.class);
    for (String e : READ_EXPERIMENTS) {
      if (ExperimentalOptions.hasExperiment(experiments, e)) {
        return;
      }
    }
    ExperimentalOptions.addExperiment(experiments, "use_unbounded_sdf_wrapper");
  }

  public static CandleWindowing windowing(CandleOptions o) {
    return new CandleWindowing(
        Durations.parse("windowSize", o.getWindowSize()),
        Durations.parse("windowPeriod", o.getWindowPeriod()),
        Durations.parse("earlyFiringDelay", o.getEarlyFiringDelay()),
        Durations.parse("allowedLateness", o.getAllowedLateness()));
  }

  public static JdbcSettings jdbc(CandleOptions o) {
    return new JdbcSettings(o.getJdbcUrl(), o.getJdbcUser(), o.getJdbcPassword());
  }
}
