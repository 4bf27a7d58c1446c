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
    PCollectionTuple parsed = p.apply(source).apply(new ParseTicks());
    parsed.get(ParseTicks.QUOTES)
        .apply(new ComputeCandles(windowing))
        .apply(candleSink);
    parsed.get(ParseTicks.DEAD_LETTERS).apply(deadLetterSink);
  }

  /**
   * The production wiring: Kafka in, PostgreSQL and the dead-letter topic out, starting where
   * {@code --startFrom} says ({@link ResumePoint}, resolved here against the table and the topic).
   */
  public static Pipeline create(CandleOptions options) {
    CandleWindowing windowing = windowing(options);
    ResumePoint resume = ResumePoint.resolve(options.getStartFrom(), jdbc(options), table(options),
        windowing, options.getBootstrapServers(), options.getTopic());
    return create(options, resume);
  }

  /** The production wiring, starting at {@code resume}. */
  public static Pipeline create(CandleOptions options, ResumePoint resume) {
    options.setStreaming(true);
    Pipeline p = Pipeline.create(options);
    CandleWindowing windowing = windowing(options);
    build(p,
        new ReadTicks(options.getBootstrapServers(), options.getTopic(),
            new EventTimePolicy.Settings(
                Durations.parse("maxOutOfOrderness", options.getMaxOutOfOrderness()),
                Durations.parse("idleTimeout", options.getIdleTimeout()),
                windowing),
            Durations.parse("maxClockSkew", options.getMaxClockSkew()),
            resume.startOffsets()),
        windowing,
        new WriteCandles(jdbc(options), table(options), windowing, options.getJdbcBatchSize(),
            Durations.parse("jdbcMaxBatchWait", options.getJdbcMaxBatchWait()), resume.finalThrough()),
        new WriteDeadLetters(options.getBootstrapServers(), options.getDlqTopic()));
    return p;
  }

  public static CandleWindowing windowing(CandleOptions o) {
    return new CandleWindowing(
        Durations.parse("windowSize", o.getWindowSize()),
        Durations.parse("windowPeriod", o.getWindowPeriod()),
        Durations.parse("earlyFiringDelay", o.getEarlyFiringDelay()),
        Durations.parse("allowedLateness", o.getAllowedLateness()));
  }

  /** The candle table: {@code --table}, or the one named after the windows (see {@link CandleSchema}). */
  public static String table(CandleOptions o) {
    if (o.getTable() != null && !o.getTable().isBlank()) {
      return o.getTable();
    }
    CandleWindowing w = windowing(o);
    return CandleSchema.defaultTable(w.size(), w.period());
  }

  public static JdbcSettings jdbc(CandleOptions o) {
    return new JdbcSettings(o.getJdbcUrl(), o.getJdbcUser(), o.getJdbcPassword());
  }
}
