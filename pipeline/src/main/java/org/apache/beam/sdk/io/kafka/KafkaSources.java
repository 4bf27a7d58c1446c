package org.apache.beam.sdk.io.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.kafka.common.TopicPartition;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * KafkaIO's own unbounded source for a configured read, which KafkaIO builds only inside its
 * expansion ({@code Read.makeSource()} is package-private). The candle pipeline wraps that source
 * ({@code io.candles.pipeline.BatchingUnboundedSource}) instead of re-implementing the Kafka
 * reader, its checkpoints and its timestamp policies. Lives in KafkaIO's package for these calls;
 * a compile error here is the signal that a Beam upgrade changed them.
 */
public final class KafkaSources {
  private KafkaSources() {}

  /**
   * The source behind {@code read}, which must have its key and value coders set
   * ({@code with...DeserializerAndCoder}).
   */
  public static <K, V> UnboundedSource<KafkaRecord<K, V>, KafkaCheckpointMark> unboundedSource(
      KafkaIO.Read<K, V> read) {
    // Whose splits, resumed from a savepoint, also read partitions added to the topic since.
    return RescalableKafkaSource.of(read);
  }

  /**
   * A checkpoint mark that starts {@code source} (one split of KafkaIO's source) at the given
   * offsets, per partition number of its topic: a fresh read that starts where a restart should,
   * without KafkaIO's {@code withStartReadTime}, which fails on a partition with no record after
   * that time. A partition missing from {@code offsets} starts at its earliest offset
   * ({@link RescalableKafkaSource}); the watermark starts at the minimum.
   */
  public static KafkaCheckpointMark startingAt(UnboundedSource<?, ?> source, Map<Integer, Long> offsets) {
    List<TopicPartition> partitions = ((KafkaUnboundedSource<?, ?>) source).getSpec().getTopicPartitions();
    List<KafkaCheckpointMark.PartitionMark> marks = new ArrayList<>(partitions.size());
    for (TopicPartition tp : partitions) {
      @Nullable Long offset = offsets.get(tp.partition());
      marks.add(new KafkaCheckpointMark.PartitionMark(tp.topic(), tp.partition(),
          offset == null ? -1L : offset, BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis()));
    }
    return new KafkaCheckpointMark(marks, Optional.empty());
  }
}
