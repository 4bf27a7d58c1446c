package org.apache.beam.sdk.io.kafka;

import io.candles.pipeline.TicksDeletedException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * KafkaIO's unbounded source, whose splits read what the topic has now when a job is resumed from a
 * checkpoint or savepoint. A runner resumes a source's splits as the savepoint holds them, KafkaIO's
 * partition assignment included, so partitions added to the topic since (3 to 6, to spread the load
 * over more workers) would never be read. Each split here knows its place, {@code index} of
 * {@code count}, in KafkaIO's own round-robin split over the topic's sorted partitions; given a
 * checkpoint mark, it first asks the broker for the topic's partitions and takes every one that
 * round-robin gives its place: those it had, at their checkpointed offsets, and new ones from their
 * earliest offsets (nothing of them was read before). Without a checkpoint it reads exactly what
 * KafkaIO assigned it, from the earliest offsets. A partition never read starts at the earliest
 * offset the broker has when the reader is created, so the read needs no {@code auto.offset.reset}
 * and can fail, rather than skip, when records are deleted before they are read
 * ({@link io.candles.pipeline.TicksDeletedException}).
 *
 * <p>It is KafkaIO's source class itself (a subclass), so code that takes a split for one keeps
 * working. Lives in KafkaIO's package for that package-private class. Its splits are in every
 * savepoint (runners keep them in their state by Java serialization), hence the pinned
 * serialVersionUID.
 */
public final class RescalableKafkaSource<K, V> extends KafkaUnboundedSource<K, V> {

  private static final long serialVersionUID = 1L;

  private static final Comparator<TopicPartition> KAFKA_ORDER =
      Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

  /** This split's place among {@link #count} splits; -1 before the source is split. */
  private final int index;
  private final int count;
  /**
   * This split's share of the topic's partitions, as the broker gave them the first time this
   * instance resumed from a checkpoint mark; null before. Asked once per instance, so once per
   * resume: the DirectRunner re-creates a reader from the same split every few bundles (to exercise
   * checkpoints), and a broker round trip each time held up its reads. A runner restoring a job
   * deserializes its splits, so every restore asks again.
   */
  private transient volatile @Nullable List<TopicPartition> share;

  private RescalableKafkaSource(KafkaIO.Read<K, V> spec, int id, int index, int count) {
    super(spec, id);
    this.index = index;
    this.count = count;
  }

  /** The source of a configured read (key and value coders set, as KafkaIO requires for a source). */
  static <K, V> KafkaUnboundedSource<K, V> of(KafkaIO.Read<K, V> read) {
    KafkaUnboundedSource<K, V> source = (KafkaUnboundedSource<K, V>) read.makeSource();
    return new RescalableKafkaSource<>(source.getSpec(), source.getId(), -1, 0);
  }

  @Override
  public List<KafkaUnboundedSource<K, V>> split(int desiredNumSplits, PipelineOptions options) throws Exception {
    List<KafkaUnboundedSource<K, V>> splits = super.split(desiredNumSplits, options);
    List<KafkaUnboundedSource<K, V>> result = new ArrayList<>(splits.size());
    for (int i = 0; i < splits.size(); i++) {
      result.add(new RescalableKafkaSource<>(splits.get(i).getSpec(), splits.get(i).getId(), i, splits.size()));
    }
    return result;
  }

  @Override
  public KafkaUnboundedReader<K, V> createReader(PipelineOptions options,
      @Nullable KafkaCheckpointMark checkpointMark) {
    if (index < 0) {
      return super.createReader(options, checkpointMark);
    }
    if (checkpointMark != null) {
      List<TopicPartition> had = getSpec().getTopicPartitions();
      List<TopicPartition> now = share;
      if (now == null) {
        now = ownShare(partitionsNow(checkpointMark), index, count, had);
        share = now;
      }
      if (!now.equals(had)) {
        RescalableKafkaSource<K, V> grown = new RescalableKafkaSource<>(
            getSpec().toBuilder().setTopicPartitions(now).build(), getId(), index, count);
        grown.share = now;
        return grown.createReader(options, new KafkaCheckpointMark(marks(now, checkpointMark), Optional.empty()));
      }
    }
    return new ExplainedReader<>(this, fromTheBeginning(checkpointMark));
  }

  /**
   * The mark with every partition not read yet (none, or offset -1) starting at its earliest offset
   * now. KafkaIO would ask the consumer's position, which only {@code auto.offset.reset} can answer
   * for a partition never read; set here, a read can run with {@code auto.offset.reset=none}, so a
   * position the broker has deleted since fails the read instead of skipping ticks.
   */
  private KafkaCheckpointMark fromTheBeginning(@Nullable KafkaCheckpointMark checkpointMark) {
    List<TopicPartition> partitions = getSpec().getTopicPartitions();
    List<KafkaCheckpointMark.PartitionMark> marks = checkpointMark == null
        ? marks(partitions, new KafkaCheckpointMark(List.of(), Optional.empty()))
        : checkpointMark.getPartitions();
    List<TopicPartition> unread = new ArrayList<>();
    for (KafkaCheckpointMark.PartitionMark m : marks) {
      if (m.getNextOffset() < 0) {
        unread.add(new TopicPartition(m.getTopic(), m.getPartition()));
      }
    }
    if (unread.isEmpty()) {
      return checkpointMark;
    }
    Map<TopicPartition, Long> earliest;
    try (Consumer<byte[], byte[]> consumer = getSpec().getConsumerFactoryFn().apply(getSpec().getConsumerConfig())) {
      earliest = consumer.beginningOffsets(unread);
    }
    List<KafkaCheckpointMark.PartitionMark> resolved = new ArrayList<>(marks.size());
    for (KafkaCheckpointMark.PartitionMark m : marks) {
      Long offset = earliest.get(new TopicPartition(m.getTopic(), m.getPartition()));
      resolved.add(m.getNextOffset() >= 0 || offset == null ? m
          : new KafkaCheckpointMark.PartitionMark(m.getTopic(), m.getPartition(), offset, m.getWatermarkMillis()));
    }
    return new KafkaCheckpointMark(resolved, Optional.empty());
  }

  /**
   * KafkaIO's reader, whose failure to find its position in a partition (the records there deleted
   * before they were read) says so in words a user can act on.
   */
  private static final class ExplainedReader<K, V> extends KafkaUnboundedReader<K, V> {
    ExplainedReader(KafkaUnboundedSource<K, V> source, @Nullable KafkaCheckpointMark checkpointMark) {
      super(source, checkpointMark);
    }

    @Override
    public boolean advance() throws IOException {
      try {
        return super.advance();
      } catch (IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
          if (t instanceof OffsetOutOfRangeException lost) {
            throw new TicksDeletedException(lost.offsetOutOfRangePartitions(), e);
          }
        }
        throw e;
      }
    }
  }

  /** The partitions the broker has now of the topics in the checkpoint, in KafkaIO's order. */
  private List<TopicPartition> partitionsNow(KafkaCheckpointMark checkpointMark) {
    Set<String> topics = new TreeSet<>();
    for (KafkaCheckpointMark.PartitionMark m : checkpointMark.getPartitions()) {
      topics.add(m.getTopic());
    }
    Set<TopicPartition> all = new TreeSet<>(KAFKA_ORDER);
    try (Consumer<byte[], byte[]> consumer = getSpec().getConsumerFactoryFn().apply(getSpec().getConsumerConfig())) {
      for (String topic : topics) {
        for (PartitionInfo p : consumer.partitionsFor(topic)) {
          all.add(new TopicPartition(p.topic(), p.partition()));
        }
      }
    }
    return new ArrayList<>(all);
  }

  /**
   * Split {@code index}'s share of {@code all} (sorted as KafkaIO sorts): every partition whose
   * position is {@code index} modulo {@code count}, as KafkaIO's split assigns them, and all it had.
   */
  static List<TopicPartition> ownShare(List<TopicPartition> all, int index, int count, List<TopicPartition> had) {
    Set<TopicPartition> share = new TreeSet<>(KAFKA_ORDER);
    for (int i = 0; i < all.size(); i++) {
      if (i % count == index) {
        share.add(all.get(i));
      }
    }
    share.addAll(had);
    return new ArrayList<>(share);
  }

  /** A mark for each partition: the checkpointed one where there is one, else "not read yet". */
  private static List<KafkaCheckpointMark.PartitionMark> marks(List<TopicPartition> partitions,
      KafkaCheckpointMark checkpointMark) {
    List<KafkaCheckpointMark.PartitionMark> marks = new ArrayList<>(partitions.size());
    for (TopicPartition tp : partitions) {
      KafkaCheckpointMark.PartitionMark mark = null;
      for (KafkaCheckpointMark.PartitionMark m : checkpointMark.getPartitions()) {
        if (m.getTopic().equals(tp.topic()) && m.getPartition() == tp.partition()) {
          mark = m;
        }
      }
      // Offset -1 is KafkaIO's "not initialized": the reader starts where auto.offset.reset says.
      marks.add(mark != null ? mark : new KafkaCheckpointMark.PartitionMark(tp.topic(), tp.partition(), -1,
          BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis()));
    }
    return marks;
  }

  @Override
  public String toString() {
    return "RescalableKafkaSource[split " + index + " of " + count + ", " + getSpec().getTopicPartitions() + "]";
  }
}
