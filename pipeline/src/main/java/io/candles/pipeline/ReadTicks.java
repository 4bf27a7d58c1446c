package io.candles.pipeline;

import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.io.kafka.KafkaCheckpointMark;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.KafkaRecordCoder;
import org.apache.beam.sdk.io.kafka.KafkaSources;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.joda.time.Duration;

/**
 * Reads tick records from Kafka, the key as a string and the value parsed once into a
 * {@link TickValue} ({@link TickValueDeserializer}), stamped with their event time by
 * {@link EventTimePolicy}. A fresh read (no checkpoint) starts at the given offsets per partition
 * ({@link ResumePoint}: the first tick of the earliest window not yet final in the table) and, for
 * a partition without one, at the earliest offset; a restored read starts at its checkpoint.
 *
 * <p>KafkaIO's own source does the reading, in batches of what it has ready
 * ({@link BatchingUnboundedSource}), which are taken apart again right after: each record leaves
 * this transform with its own event time, as KafkaIO would emit it. The batches pay the runners'
 * per-element cost of a source once per batch instead of once per tick.
 */
public final class ReadTicks extends PTransform<PBegin, PCollection<KafkaRecord<String, TickValue>>> {
  // The value the JVM derived before it was declared: savepoints taken since stay readable.
  private static final long serialVersionUID = -4889886956209684220L;

  /**
   * At most this many records per batch. Under a backlog, larger batches only make the element
   * that carries them larger: what the windows see per bundle depends on the bundle
   * ({@code --maxBundleSize}, which holds several batches), not on the batch.
   */
  static final int MAX_BATCH = 1000;

  /**
   * A batch closes this long after its first record at the latest: the latency a batch may add.
   * Kafka's reader waits up to 20 ms for the next record inside {@code advance()}, so a light feed
   * would otherwise keep a batch open until {@link #MAX_BATCH}.
   */
  static final Duration MAX_BATCH_TIME = Duration.millis(5);

  private static final Coder<String> STRINGS = NullableCoder.of(StringUtf8Coder.of());

  private final String bootstrapServers;
  private final String topic;
  private final EventTimePolicy.Settings eventTime;
  private final Duration maxClockSkew;
  private final Map<Integer, Long> startOffsets;
  private final DeletedTicks deletedTicks;

  /** What the read does at a position the broker has deleted since: {@code --deletedTicks}. */
  public enum DeletedTicks {
    /** Fail the read ({@link TicksDeletedException}): no window becomes final without them. */
    FAIL,
    /** Go on from the earliest record left: the ticks are lost, and their windows final without them. */
    SKIP;

    /** The option's value, {@code fail} or {@code skip}. */
    public static DeletedTicks parse(String value) {
      for (DeletedTicks d : values()) {
        if (d.name().equalsIgnoreCase(value)) {
          return d;
        }
      }
      throw new IllegalArgumentException("--deletedTicks must be 'fail' or 'skip', not '" + value + "'");
    }

    /** The consumer's {@code auto.offset.reset}: every start position is explicit, so it acts only then. */
    String autoOffsetReset() {
      return this == FAIL ? "none" : "earliest";
    }
  }

  /**
   * @param maxClockSkew how far ahead of the clock an event time may be ({@code --maxClockSkew})
   * @param startOffsets where a fresh read starts, per partition number; empty: the earliest offsets
   * @param deletedTicks what the read does at a position the broker has deleted ({@code --deletedTicks})
   */
  public ReadTicks(String bootstrapServers, String topic, EventTimePolicy.Settings eventTime,
      Duration maxClockSkew, Map<Integer, Long> startOffsets, DeletedTicks deletedTicks) {
    super("ReadTicks");
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
    this.eventTime = eventTime;
    this.maxClockSkew = maxClockSkew;
    this.startOffsets = Map.copyOf(startOffsets);
    this.deletedTicks = deletedTicks;
  }

  @Override
  public PCollection<KafkaRecord<String, TickValue>> expand(PBegin begin) {
    KafkaIO.Read<String, TickValue> read = KafkaIO.<String, TickValue>read()
        .withBootstrapServers(bootstrapServers)
        .withTopic(topic)
        // Nullable: a record without a key must reach the dead-letter topic.
        .withKeyDeserializerAndCoder(PairKeyDeserializer.class, STRINGS)
        .withValueDeserializerAndCoder(TickValueDeserializer.class, TickValue.Coder.of())
        .withTimestampPolicyFactory(EventTimePolicy.factory(eventTime))
        .withConsumerConfigUpdates(Map.of(
            // Every start is at an explicit offset (RescalableKafkaSource), so this acts only
            // when the broker has deleted the position since.
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, deletedTicks.autoOffsetReset(),
            // Hand records over as soon as there are any: latency before batching.
            ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50,
            TickValueDeserializer.MAX_CLOCK_SKEW_CONFIG, maxClockSkew.getMillis()));
    Map<Integer, Long> start = startOffsets;
    BatchingUnboundedSource.StartMark<KafkaCheckpointMark> startMark =
        split -> start.isEmpty() ? null : KafkaSources.startingAt(split, start);
    return begin
        .apply("ReadFromKafka",
            Read.from(new BatchingUnboundedSource<>(
                KafkaSources.unboundedSource(read), MAX_BATCH, MAX_BATCH_TIME, startMark)))
        .apply("Unbatch", ParDo.of(new UnbatchFn()))
        .setCoder(KafkaRecordCoder.of(STRINGS, TickValue.Coder.of()));
  }

  /** Emits each record of a batch at its own event time. */
  static final class UnbatchFn
      extends DoFn<List<TimestampedValue<KafkaRecord<String, TickValue>>>, KafkaRecord<String, TickValue>> {
    // The value the JVM derived before it was declared: savepoints taken since stay readable.
    private static final long serialVersionUID = 8136713904866482296L;

    @ProcessElement
    public void process(@Element List<TimestampedValue<KafkaRecord<String, TickValue>>> batch,
        OutputReceiver<KafkaRecord<String, TickValue>> out) {
      for (TimestampedValue<KafkaRecord<String, TickValue>> r : batch) {
        // Never earlier than the batch's own timestamp, the earliest of its records'.
        out.outputWithTimestamp(r.getValue(), r.getTimestamp());
      }
    }
  }
}
