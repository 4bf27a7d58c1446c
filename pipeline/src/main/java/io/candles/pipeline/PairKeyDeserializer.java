package io.candles.pipeline;

import io.candles.contract.Symbols;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka's key deserializer for tick records: the pair, as one shared {@code String} per pair
 * ({@link Symbols}) instead of a new one per record; null for a record without a key. The key is
 * only read for dead letters (a tick's pair is in its value), but KafkaIO decodes it for every
 * record, which was the largest allocation left on the read path.
 */
public final class PairKeyDeserializer implements Deserializer<String> {
  @Override
  public String deserialize(String topic, byte[] data) {
    return data == null ? null : Symbols.of(data, 0, data.length);
  }
}
