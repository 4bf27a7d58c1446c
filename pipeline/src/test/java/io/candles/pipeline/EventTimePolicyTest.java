package io.candles.pipeline;

import static org.junit.Assert.assertEquals;

import java.util.Optional;
import org.apache.beam.sdk.io.UnboundedSource.UnboundedReader;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.KafkaTimestampType;
import org.apache.beam.sdk.io.kafka.TimestampPolicy;
import org.apache.beam.sdk.io.kafka.TimestampPolicy.PartitionContext;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Test;

/** The watermark policy, on a hand-driven clock. */
public class EventTimePolicyTest {

  private static final long T0 = Instant.parse("2021-10-14T18:54:00Z").getMillis();
  private static final Duration OUT_OF_ORDER = Duration.standardSeconds(2);
  private static final Duration IDLE = Duration.standardSeconds(5);

  /** A mutable processing-time clock. */
  private static final class FakeClock implements EventTimePolicy.Clock {
    long now;

    FakeClock(long now) {
      this.now = now;
    }

    @Override
    public long nowMillis() {
      return now;
    }
  }

  private static PartitionContext backlog(long messages) {
    return new PartitionContext() {
      @Override
      public long getMessageBacklog() {
        return messages;
      }

      @Override
      public Instant getBacklogCheckTime() {
        return Instant.now();
      }
    };
  }

  private static KafkaRecord<String, TickValue> tickAt(long eventTime) {
    String value = "{\"pair\":\"BTCUSDT\",\"bid\":\"1\",\"ask\":\"2\",\"event_time\":" + eventTime + "}";
    return new KafkaRecord<>("ticks", 0, 0, eventTime + 999, KafkaTimestampType.CREATE_TIME,
        new RecordHeaders(), "BTCUSDT", TickValueDeserializer.parse(value));
  }

  private static TimestampPolicy<String, TickValue> policy(FakeClock clock) {
    return EventTimePolicy.factory(OUT_OF_ORDER, IDLE, clock)
        .createTimestampPolicy(new TopicPartition("ticks", 0), Optional.empty());
  }

  @Test
  public void timestampIsTheValuesEventTimeNotTheKafkaTimestamp() {
    TimestampPolicy<String, TickValue> policy = policy(new FakeClock(T0));
    assertEquals(new Instant(T0 + 7), policy.getTimestampForRecord(backlog(5), tickAt(T0 + 7)));
  }

  @Test
  public void watermarkTrailsTheNewestEventTimeByTheOutOfOrderness() {
    FakeClock clock = new FakeClock(T0);
    TimestampPolicy<String, TickValue> policy = policy(clock);
    policy.getTimestampForRecord(backlog(5), tickAt(T0 + 10_000));
    // An older tick does not move the watermark back.
    policy.getTimestampForRecord(backlog(4), tickAt(T0 + 9_000));
    assertEquals(new Instant(T0 + 8_000), policy.getWatermark(backlog(4)));
  }

  @Test
  public void anUnparseableRecordDoesNotMoveTheWatermark() {
    FakeClock clock = new FakeClock(T0);
    TimestampPolicy<String, TickValue> policy = policy(clock);
    policy.getTimestampForRecord(backlog(5), tickAt(T0));
    KafkaRecord<String, TickValue> garbage = new KafkaRecord<>("ticks", 0, 1, T0 + 60_000,
        KafkaTimestampType.CREATE_TIME, new RecordHeaders(), "BTCUSDT",
        TickValueDeserializer.parse("garbage"));
    assertEquals(new Instant(T0 + 60_000), policy.getTimestampForRecord(backlog(5), garbage));
    assertEquals(new Instant(T0 - 2_000), policy.getWatermark(backlog(5)));
  }

  @Test
  public void aPartitionThatNeverReceivedARecordAdvancesOnceIdle() {
    FakeClock clock = new FakeClock(T0);
    TimestampPolicy<String, TickValue> policy = policy(clock);
    assertEquals(BoundedWindow.TIMESTAMP_MIN_VALUE, policy.getWatermark(backlog(0)));
    clock.now = T0 + 5_000;
    assertEquals(new Instant(T0), policy.getWatermark(backlog(0)));
    clock.now = T0 + 65_000;
    assertEquals(new Instant(T0 + 60_000), policy.getWatermark(backlog(UnboundedReader.BACKLOG_UNKNOWN)));
  }

  @Test
  public void aQuietPartitionAdvancesWithTheClockButNotWhileItHasBacklog() {
    FakeClock clock = new FakeClock(T0);
    TimestampPolicy<String, TickValue> policy = policy(clock);
    policy.getTimestampForRecord(backlog(100), tickAt(T0 - 60_000));
    clock.now = T0 + 30_000;
    // Behind on reading: the old event time rules, however long the silence.
    assertEquals(new Instant(T0 - 62_000), policy.getWatermark(backlog(100)));
    // Caught up and silent for longer than the idle timeout: now - idleTimeout.
    assertEquals(new Instant(T0 + 25_000), policy.getWatermark(backlog(0)));
    // Never backwards, even when an old tick arrives afterwards.
    policy.getTimestampForRecord(backlog(0), tickAt(T0 - 50_000));
    assertEquals(new Instant(T0 + 25_000), policy.getWatermark(backlog(0)));
  }

  @Test
  public void aBusyPartitionIsNeverIdle() {
    FakeClock clock = new FakeClock(T0);
    TimestampPolicy<String, TickValue> policy = policy(clock);
    for (int i = 0; i < 10; i++) {
      clock.now = T0 + i * 1_000;
      policy.getTimestampForRecord(backlog(0), tickAt(T0 - 30_000 + i * 1_000));
    }
    assertEquals(new Instant(T0 - 30_000 + 9_000 - 2_000), policy.getWatermark(backlog(0)));
  }

  @Test
  public void resumesFromThePreviousWatermark() {
    TimestampPolicy<String, TickValue> policy = EventTimePolicy.factory(OUT_OF_ORDER, IDLE, new FakeClock(T0))
        .createTimestampPolicy(new TopicPartition("ticks", 0), Optional.of(new Instant(T0 - 1)));
    assertEquals(new Instant(T0 - 1), policy.getWatermark(backlog(3)));
  }

  @Test
  public void aResumedPolicyRemembersWhenItsPartitionLastHadARecord() {
    // The SDF read makes a new policy each time it resumes a partition, passing the watermark the
    // last one reported. Resumed every 2 s, a silent partition must still become idle.
    FakeClock clock = new FakeClock(T0);
    TopicPartition tp = new TopicPartition("ticks", 0);
    var factory = EventTimePolicy.factory(OUT_OF_ORDER, IDLE, clock);
    TimestampPolicy<String, TickValue> first = factory.createTimestampPolicy(tp, Optional.empty());
    first.getTimestampForRecord(backlog(0), tickAt(T0));
    Instant watermark = first.getWatermark(backlog(0));
    assertEquals(new Instant(T0 - 2_000), watermark);
    for (int i = 0; i < 3; i++) {
      clock.now += 2_000;
      TimestampPolicy<String, TickValue> resumed = factory.createTimestampPolicy(tp, Optional.of(watermark));
      watermark = resumed.getWatermark(backlog(0));
    }
    // Six seconds without a record, over three policies: idle, so now - idleTimeout.
    assertEquals(new Instant(T0 + 6_000 - 5_000), watermark);
  }

  @Test
  public void aPolicyRestoredFromAnOlderWatermarkStartsAfresh() {
    FakeClock clock = new FakeClock(T0);
    TopicPartition tp = new TopicPartition("ticks", 0);
    var factory = EventTimePolicy.factory(OUT_OF_ORDER, IDLE, clock);
    TimestampPolicy<String, TickValue> first = factory.createTimestampPolicy(tp, Optional.empty());
    first.getTimestampForRecord(backlog(5), tickAt(T0));
    Instant checkpointed = first.getWatermark(backlog(5));
    // Records after the checkpoint move the newest event time on, then the job fails.
    first.getTimestampForRecord(backlog(4), tickAt(T0 + 60_000));
    first.getWatermark(backlog(4));
    TimestampPolicy<String, TickValue> restored = factory.createTimestampPolicy(tp, Optional.of(checkpointed));
    // The watermark stays where the checkpoint left it until the replayed records move it.
    assertEquals(checkpointed, restored.getWatermark(backlog(5)));
    restored.getTimestampForRecord(backlog(4), tickAt(T0 + 1_000));
    assertEquals(new Instant(T0 - 1_000), restored.getWatermark(backlog(4)));
  }
}
