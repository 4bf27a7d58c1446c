package io.candles.pipeline;

import java.io.Serializable;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.io.UnboundedSource.UnboundedReader;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.TimestampPolicy;
import org.apache.beam.sdk.io.kafka.TimestampPolicyFactory;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.kafka.common.TopicPartition;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Event time from the record value's {@code event_time}, and a per-partition watermark that
 * trails the newest event time by a bounded out-of-orderness, and keeps advancing when the
 * partition is idle.
 *
 * <p>Why not Beam's {@code CustomTimestampPolicyWithLimitedDelay}: a partition that never
 * received a record (or whose backlog is unknown) holds its watermark at the minimum forever,
 * and the reader's watermark is the minimum over its partitions, so one quiet pair would hold
 * back every other pair's final candles (Beam issues 20908 and 24205). Here a partition that is
 * caught up (backlog zero or unknown) and has been silent for {@code idleTimeout} of processing
 * time moves its watermark to {@code now - idleTimeout}: a tick arriving on it later is on time as
 * long as its event time is within {@code idleTimeout} of the wall clock, which is what a live
 * feed delivers.
 *
 * <p>Beam's splittable (SDF) Kafka read creates a new policy every time it resumes a partition
 * (on the DirectRunner after each 100 records or second), so what the policy knows about its
 * partition, the newest event time and when it last saw a record, lives in a {@link Partition}
 * shared by the policies of the same factory and partition in this JVM. Without it a resumed
 * policy would think its partition had just been active and never find it idle. The state is
 * taken over only by a continuation: a policy whose previous watermark is exactly the last one
 * the shared state reported. A restore from a checkpoint taken before later records were read
 * starts afresh instead, so the watermark never runs ahead of the records about to be replayed;
 * afresh means "active just now", which only delays the idle rule by {@code idleTimeout}.
 */
public final class EventTimePolicy extends TimestampPolicy<String, TickValue> {

  /** Processing time, injectable so tests need no wall clock. */
  @FunctionalInterface
  public interface Clock extends Serializable {
    long nowMillis();
  }

  /**
   * What is known about one partition, across the policies a resumable read creates for it. Read
   * and written by one reader thread at a time (a partition is read by one reader); volatile for
   * the hand-over between the threads that successive resumptions may run on.
   */
  static final class Partition {
    volatile long maxEventTime = Long.MIN_VALUE;
    volatile long lastRecordAt;
    volatile long lastWatermark;

    Partition(long now, long watermark) {
      this.lastRecordAt = now;
      this.lastWatermark = watermark;
    }
  }

  /** Keyed by factory identity and partition; a few entries per pipeline. */
  private static final ConcurrentHashMap<String, Partition> PARTITIONS = new ConcurrentHashMap<>();

  private final long maxOutOfOrdernessMillis;
  private final long idleTimeoutMillis;
  private final Clock clock;
  private final Partition partition;
  private Instant watermark;

  EventTimePolicy(Duration maxOutOfOrderness, Duration idleTimeout, Clock clock,
      Partition partition, Optional<Instant> previousWatermark) {
    this.maxOutOfOrdernessMillis = maxOutOfOrderness.getMillis();
    this.idleTimeoutMillis = idleTimeout.getMillis();
    this.clock = clock;
    this.partition = partition;
    this.watermark = previousWatermark.orElse(BoundedWindow.TIMESTAMP_MIN_VALUE);
  }

  /** The factory KafkaIO uses: one policy per partition. */
  public static TimestampPolicyFactory<String, TickValue> factory(
      Duration maxOutOfOrderness, Duration idleTimeout) {
    return factory(maxOutOfOrderness, idleTimeout, System::currentTimeMillis);
  }

  static TimestampPolicyFactory<String, TickValue> factory(
      Duration maxOutOfOrderness, Duration idleTimeout, Clock clock) {
    return new Factory(maxOutOfOrderness, idleTimeout, clock);
  }

  @Override
  public Instant getTimestampForRecord(PartitionContext ctx, KafkaRecord<String, TickValue> record) {
    partition.lastRecordAt = clock.nowMillis();
    if (!(record.getKV().getValue() instanceof TickValue.Accepted accepted)) {
      // It goes to the dead-letter topic; any timestamp will do, and it must not move the
      // watermark. The record's own timestamp is the producer's event time per the contract.
      long kafkaTime = record.getTimestamp();
      return kafkaTime > 0 ? new Instant(kafkaTime) : watermark;
    }
    long eventTime = accepted.tick().eventTimeMillis();
    if (eventTime > partition.maxEventTime) {
      partition.maxEventTime = eventTime;
    }
    return new Instant(eventTime);
  }

  @Override
  public Instant getWatermark(PartitionContext ctx) {
    long maxEventTime = partition.maxEventTime;
    long candidate = maxEventTime == Long.MIN_VALUE
        ? Long.MIN_VALUE : maxEventTime - maxOutOfOrdernessMillis;
    long backlog = ctx.getMessageBacklog();
    boolean caughtUp = backlog == 0 || backlog == UnboundedReader.BACKLOG_UNKNOWN;
    long now = clock.nowMillis();
    if (caughtUp && now - partition.lastRecordAt >= idleTimeoutMillis) {
      candidate = Math.max(candidate, now - idleTimeoutMillis);
    }
    if (candidate > watermark.getMillis()) {
      watermark = new Instant(candidate);
    }
    partition.lastWatermark = watermark.getMillis();
    return watermark;
  }

  private static final class Factory implements TimestampPolicyFactory<String, TickValue> {
    private final Duration maxOutOfOrderness;
    private final Duration idleTimeout;
    private final Clock clock;
    /** Shared by the deserialized copies of this factory, and by nothing else. */
    private final String id = UUID.randomUUID().toString();

    Factory(Duration maxOutOfOrderness, Duration idleTimeout, Clock clock) {
      this.maxOutOfOrderness = maxOutOfOrderness;
      this.idleTimeout = idleTimeout;
      this.clock = clock;
    }

    @Override
    public TimestampPolicy<String, TickValue> createTimestampPolicy(
        TopicPartition tp, Optional<Instant> previousWatermark) {
      String key = id + "/" + tp;
      long previous = previousWatermark.orElse(BoundedWindow.TIMESTAMP_MIN_VALUE).getMillis();
      Partition partition = PARTITIONS.get(key);
      if (partition == null || partition.lastWatermark != previous) {
        partition = new Partition(clock.nowMillis(), previous);
        PARTITIONS.put(key, partition);
      }
      return new EventTimePolicy(maxOutOfOrderness, idleTimeout, clock, partition, previousWatermark);
    }
  }
}
