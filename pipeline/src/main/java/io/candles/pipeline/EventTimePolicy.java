package io.candles.pipeline;

import io.candles.contract.RejectedTickException;
import io.candles.contract.TickJson;
import java.io.Serializable;
import java.util.Optional;
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
 */
public final class EventTimePolicy extends TimestampPolicy<String, String> {

  /** Processing time, injectable so tests need no wall clock. */
  @FunctionalInterface
  public interface Clock extends Serializable {
    long nowMillis();
  }

  private final long maxOutOfOrdernessMillis;
  private final long idleTimeoutMillis;
  private final Clock clock;

  private long maxEventTime = Long.MIN_VALUE;
  private long lastRecordAt;
  private Instant watermark;

  EventTimePolicy(Duration maxOutOfOrderness, Duration idleTimeout, Clock clock,
      Optional<Instant> previousWatermark) {
    this.maxOutOfOrdernessMillis = maxOutOfOrderness.getMillis();
    this.idleTimeoutMillis = idleTimeout.getMillis();
    this.clock = clock;
    this.lastRecordAt = clock.nowMillis();
    this.watermark = previousWatermark.orElse(BoundedWindow.TIMESTAMP_MIN_VALUE);
  }

  /** The factory KafkaIO uses: one policy per partition. */
  public static TimestampPolicyFactory<String, String> factory(
      Duration maxOutOfOrderness, Duration idleTimeout) {
    return factory(maxOutOfOrderness, idleTimeout, System::currentTimeMillis);
  }

  static TimestampPolicyFactory<String, String> factory(
      Duration maxOutOfOrderness, Duration idleTimeout, Clock clock) {
    return new Factory(maxOutOfOrderness, idleTimeout, clock);
  }

  @Override
  public Instant getTimestampForRecord(PartitionContext ctx, KafkaRecord<String, String> record) {
    lastRecordAt = clock.nowMillis();
    long eventTime;
    try {
      eventTime = TickJson.parse(record.getKV().getValue()).eventTimeMillis();
    } catch (RejectedTickException e) {
      // It goes to the dead-letter topic; any timestamp will do, and it must not move the
      // watermark. The record's own timestamp is the producer's event time per the contract.
      long kafkaTime = record.getTimestamp();
      return kafkaTime > 0 ? new Instant(kafkaTime) : watermark;
    }
    if (eventTime > maxEventTime) {
      maxEventTime = eventTime;
    }
    return new Instant(eventTime);
  }

  @Override
  public Instant getWatermark(PartitionContext ctx) {
    long candidate = maxEventTime == Long.MIN_VALUE
        ? Long.MIN_VALUE : maxEventTime - maxOutOfOrdernessMillis;
    long backlog = ctx.getMessageBacklog();
    boolean caughtUp = backlog == 0 || backlog == UnboundedReader.BACKLOG_UNKNOWN;
    long now = clock.nowMillis();
    if (caughtUp && now - lastRecordAt >= idleTimeoutMillis) {
      candidate = Math.max(candidate, now - idleTimeoutMillis);
    }
    if (candidate > watermark.getMillis()) {
      watermark = new Instant(candidate);
    }
    return watermark;
  }

  private static final class Factory implements TimestampPolicyFactory<String, String> {
    private final Duration maxOutOfOrderness;
    private final Duration idleTimeout;
    private final Clock clock;

    Factory(Duration maxOutOfOrderness, Duration idleTimeout, Clock clock) {
      this.maxOutOfOrderness = maxOutOfOrderness;
      this.idleTimeout = idleTimeout;
      this.clock = clock;
    }

    @Override
    public TimestampPolicy<String, String> createTimestampPolicy(
        TopicPartition tp, Optional<Instant> previousWatermark) {
      return new EventTimePolicy(maxOutOfOrderness, idleTimeout, clock, previousWatermark);
    }
  }
}
