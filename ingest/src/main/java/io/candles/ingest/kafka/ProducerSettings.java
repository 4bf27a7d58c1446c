package io.candles.ingest.kafka;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

/** The producer configuration the ingester's guarantees rest on. */
public final class ProducerSettings {
  private ProducerSettings() {}

  /**
   * Idempotent, {@code acks=all}, retrying forever, ordered per partition.
   *
   * <ul>
   *   <li>{@code enable.idempotence=true}: the broker de-duplicates retries and keeps each
   *       partition's order, so "once, in order per pair" holds across broker restarts.
   *   <li>{@code max.in.flight.requests.per.connection=1}, not the allowed 5: with several requests
   *       in flight, a first request to a partition the broker has just created (or holds no
   *       producer state for) can fail with NOT_LEADER_OR_FOLLOWER while a later one succeeds; the
   *       first one's retries then fail with OUT_OF_ORDER_SEQUENCE_NUMBER until
   *       {@code delivery.timeout.ms}, i.e. forever here, or it is silently dropped with a finite
   *       timeout (KAFKA-14359, KAFKA-15591; seen in this module's tests against Kafka 4.1.1).
   *       One request at a time cannot be overtaken; batching keeps the throughput.
   *   <li>{@code delivery.timeout.ms} at its maximum: a record the producer has taken is retried
   *       until the broker takes it, never expired (which would lose it silently).
   *   <li>{@code max.block.ms=5000}: when the producer cannot take a record (no broker, its buffer
   *       full) it says so within 5 s, so {@link KafkaPublisher} can log and offer it again.
   * </ul>
   *
   * @param overrides extra or replacing settings ({@code --producer key=value}); the guarantees
   *     above are the caller's responsibility if overridden
   */
  public static Properties of(String bootstrapServers, String clientId, Map<String, String> overrides) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    p.put(ProducerConfig.RETRIES_CONFIG, Integer.toString(Integer.MAX_VALUE));
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.toString(Integer.MAX_VALUE));
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(64 * 1024));
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.putAll(overrides);
    return p;
  }
}
