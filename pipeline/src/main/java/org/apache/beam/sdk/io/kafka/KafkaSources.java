package org.apache.beam.sdk.io.kafka;

import org.apache.beam.sdk.io.UnboundedSource;

/**
 * KafkaIO's own unbounded source for a configured read, which KafkaIO builds only inside its
 * expansion ({@code Read.makeSource()} is package-private). The candle pipeline wraps that source
 * ({@code io.candles.pipeline.BatchingUnboundedSource}) instead of re-implementing the Kafka
 * reader, its checkpoints and its timestamp policies. Lives in KafkaIO's package for that one call;
 * a compile error here is the signal that a Beam upgrade changed it.
 */
public final class KafkaSources {
  private KafkaSources() {}

  /**
   * The source behind {@code read}, which must have its key and value coders set
   * ({@code with...DeserializerAndCoder}).
   */
  public static <K, V> UnboundedSource<KafkaRecord<K, V>, KafkaCheckpointMark> unboundedSource(
      KafkaIO.Read<K, V> read) {
    return read.makeSource();
  }
}
