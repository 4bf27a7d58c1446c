package io.candles.pipeline;

import java.util.Map;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.joda.time.Duration;

/**
 * Reads tick records (key and value as strings) from Kafka, stamped with their event time by
 * {@link EventTimePolicy}. Reads from the earliest offset: without checkpoints a restart must
 * recompute every window from its first tick, and the idempotent upsert makes that replay
 * converge on the same rows.
 */
public final class ReadTicks extends PTransform<PBegin, PCollection<KafkaRecord<String, String>>> {

  private final String bootstrapServers;
  private final String topic;
  private final Duration maxOutOfOrderness;
  private final Duration idleTimeout;

  public ReadTicks(String bootstrapServers, String topic, Duration maxOutOfOrderness,
      Duration idleTimeout) {
    super("ReadTicks");
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
    this.maxOutOfOrderness = maxOutOfOrderness;
    this.idleTimeout = idleTimeout;
  }

  @Override
  public PCollection<KafkaRecord<String, String>> expand(PBegin begin) {
    return begin.apply("ReadFromKafka", KafkaIO.<String, String>read()
        .withBootstrapServers(bootstrapServers)
        .withTopic(topic)
        .withKeyDeserializer(StringDeserializer.class)
        .withValueDeserializer(StringDeserializer.class)
        .withTimestampPolicyFactory(EventTimePolicy.factory(maxOutOfOrderness, idleTimeout))
        .withConsumerConfigUpdates(Map.of(
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            // Hand records over as soon as there are any: latency before batching.
            ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50)));
  }
}
