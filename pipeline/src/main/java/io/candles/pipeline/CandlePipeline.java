package io.candles.pipeline;

import io.candles.contract.DeadLetter;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
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
      PTransform<PBegin, PCollection<KafkaRecord<String, TickValue>>> source,
      CandleWindowing windowing,
      PTransform<PCollection<Candle>, ? extends POutput> candleSink,
      PTransform<PCollection<DeadLetter>, ? extends POutput> deadLetterSink) {
    PCollectionTuple parsed = p.apply(source).apply(new RouteTicks());
    PCollectionTuple.of(RouteTicks.QUOTES, parsed.get(RouteTicks.QUOTES))
        .and(RouteTicks.GAPS, parsed.get(RouteTicks.GAPS))
        .apply(new ComputeCandles(windowing))
        .apply(candleSink);
    parsed.get(RouteTicks.DEAD_LETTERS).apply(deadLetterSink);
  }

  /**
   * The production wiring: Kafka in, PostgreSQL and the dead-letter topic out, starting where
   * {@code --startFrom} says ({@link ResumePoint}, resolved here against the table and the topic).
   */
  public static Pipeline create(CandleOptions options) {
    CandleSettings settings = CandleSettings.of(options);
    ResumePoint resume = ResumePoint.resolve(options.getStartFrom(), settings.jdbc(), settings.table(),
        settings.windowing(), options.getBootstrapServers(), options.getTopic(), settings.deletedTicks());
    return create(options, settings, resume);
  }

  /** The production wiring with {@code options} as parsed into {@code settings}, starting at {@code resume}. */
  public static Pipeline create(CandleOptions options, CandleSettings settings, ResumePoint resume) {
    options.setStreaming(true);
    Pipeline p = Pipeline.create(options);
    CandleWindowing windowing = settings.windowing();
    build(p,
        new ReadTicks(options.getBootstrapServers(), options.getTopic(),
            new EventTimePolicy.Settings(settings.maxOutOfOrderness(), settings.idleTimeout(), windowing),
            settings.maxClockSkew(),
            resume.startOffsets(),
            settings.deletedTicks()),
        windowing,
        new WriteCandles(settings.jdbc(), settings.table(), windowing, settings.jdbcBatchSize(),
            settings.jdbcMaxBatchWait(), resume.finalThrough()),
        new WriteDeadLetters(options.getBootstrapServers(), options.getDlqTopic()));
    return p;
  }
}
