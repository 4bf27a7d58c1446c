package io.candles.ingest.kafka;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
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

  /**
   * Checks {@code --producer} settings the way the producer will, before anything starts: each key
   * must be a producer setting (a typo would otherwise be ignored with a warning) and each value
   * valid for it; and acks must stay {@code all} while idempotence is on, which the producer
   * requires. Kafka's own check is the final word: {@code IngestMain} turns any that remains into
   * one line too.
   *
   * @throws IllegalArgumentException naming the setting, what is wrong and what to do, in one line
   */
  public static void check(Map<String, String> overrides) {
    Map<String, ConfigDef.ConfigKey> keys = ProducerConfig.configDef().configKeys();
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      String setting = e.getKey() + "=" + e.getValue();
      ConfigDef.ConfigKey key = keys.get(e.getKey());
      if (key == null) {
        throw new IllegalArgumentException(setting + ": " + e.getKey()
            + " is not a Kafka producer setting; check its spelling against the producer configuration");
      }
      try {
        Object value = ConfigDef.parseType(key.name, e.getValue(), key.type);
        if (key.validator != null) {
          key.validator.ensureValid(key.name, value);
        }
      } catch (ConfigException ex) {
        throw new IllegalArgumentException(setting + ": " + oneLine(ex.getMessage()) + "; pass a valid value or drop it");
      }
    }
    String idempotence = overrides.getOrDefault(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    String acks = overrides.get(ProducerConfig.ACKS_CONFIG);
    if (acks != null && idempotence.trim().equalsIgnoreCase("true") && !acks.equals("all") && !acks.equals("-1")) {
      throw new IllegalArgumentException("acks=" + acks + ": the idempotent producer (no duplicates, order kept)"
          + " needs acks=all; drop this setting");
    }
  }

  private static String oneLine(String s) {
    return s == null ? "invalid" : s.replaceAll("\\s*\\R\\s*", " ").trim();
  }
}
