package io.candles.pipeline;

import io.candles.contract.EventTimes;
import java.io.Serializable;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.io.UnboundedSource.UnboundedReader;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.TimestampPolicy;
import org.apache.beam.sdk.io.kafka.TimestampPolicyFactory;
import org.apache.beam.sdk.metrics.Gauge;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.kafka.common.TopicPartition;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Event time from the record value's {@code event_time}, and a per-partition watermark that never
 * passes a tick still unread in Kafka.
 *
 * <p><b>The rule.</b> A partition's watermark is the larger of
 * <ul>
 *   <li>its newest event time (never later than the wall clock) minus {@code maxOutOfOrderness},
 *       which is what the ticks themselves say; and,
 *   <li>only while the partition is <em>idle</em>, {@code verifiedAt - idleTimeout}, where
 *       {@code verifiedAt} is the newest time at which Kafka's end offset was fetched and the read
 *       position had reached it: every record appended before then has been read, so anything
 *       still to come was appended later, and a live producer stamps it within
 *       {@code idleTimeout} of then.
 * </ul>
 * A partition is idle when it has been verified caught up without a gap (no gap between fresh
 * end-offset fetches longer than {@code max(idleTimeout, 3 s)}) for at least {@code idleTimeout},
 * and has delivered no tick for {@code idleTimeout}. So a partition advances on the clock only
 * while its end offset is known and reached: on start-up and after a restore it first waits until
 * it is caught up; while the broker is unreachable nothing is verified and the watermark stops
 * (finalisation waits, it is never faked); after an outage, the ticks a producer buffered meanwhile
 * arrive within {@code idleTimeout} of the broker's return and hold it by their own event times.
 *
 * <p><b>Dead letters are progress.</b> A rejected record neither moves the watermark nor counts as
 * a tick for idleness, so a partition that receives only malformed records advances on the clock
 * like a silent one instead of freezing every pair's final candles.
 *
 * <p><b>Late ticks.</b> A tick whose earliest window closed more than {@code allowedLateness} before
 * this partition's watermark is marked late ({@link TickValue.Accepted#isLate()}) and goes, whole,
 * to the dead-letter topic: every window either has a tick or the dead-letter topic has it. The
 * windows downstream never drop one this lets through, since their watermark is never ahead of a
 * partition's: so nothing vanishes silently. The decision depends only on the partition's records
 * read so far, unless the partition had gone idle, so a replay of a backlog decides alike.
 *
 * <p>Why not Beam's {@code CustomTimestampPolicyWithLimitedDelay}: a partition that never received
 * a record holds its watermark at the minimum forever, so one quiet pair would hold back every
 * other pair's final candles (Beam issues 20908 and 24205).
 *
 * <p>Beam's splittable (SDF) Kafka read creates a new policy every time it resumes a partition, so
 * what the policy knows about its partition lives in a {@link Partition} shared by the policies of
 * the same factory and partition in this JVM. It is taken over only by a continuation: a policy
 * whose previous watermark is exactly the last one the shared state reported. A restore from a
 * checkpoint taken before later records were read starts afresh instead, and afresh means "not
 * verified, no tick seen", so the idle rule waits for the partition to be caught up again.
 *
 * <p>A partition whose watermark has not moved for {@value #STUCK_AFTER_MILLIS} ms is named in the
 * log with the reason, and again when it moves; the gauge
 * {@code ticks:watermark_stalled_seconds_<topic>-<partition>} says for how long.
 */
public final class EventTimePolicy extends TimestampPolicy<String, TickValue> {

  private static final Logger LOG = LoggerFactory.getLogger(EventTimePolicy.class);

  /** Processing time, injectable so tests need no wall clock. */
  @FunctionalInterface
  public interface Clock extends Serializable {
    long nowMillis();
  }

  static final long NEVER = Long.MIN_VALUE;
  /** KafkaIO fetches end offsets every second: fetches further apart than this are an outage. */
  static final long MIN_VERIFICATION_GAP_MILLIS = 3_000;
  /** How long a partition's watermark may stand still before the log names it. */
  static final long STUCK_AFTER_MILLIS = 60_000;
  private static final long FETCHED_NEVER = BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis();

  /**
   * What is known about one partition, across the policies a resumable read creates for it. Read
   * and written by one reader thread at a time (a partition is read by one reader); volatile for
   * the hand-over between the threads that successive resumptions may run on.
   */
  static final class Partition {
    volatile long maxEventTime = NEVER;
    /** Processing time of the newest tick read (dead letters do not count). */
    volatile long lastTickAt = NEVER;
    /** Processing time of the newest record read, dead letters included: is the reader moving? */
    volatile long lastRecordAt = NEVER;
    /** The newest end-offset fetch time that the read position had reached. */
    volatile long verifiedAt = NEVER;
    /** Since when verifications have followed each other without a gap. */
    volatile long verifiedSince = NEVER;
    volatile long lastWatermark;
    /** Processing time the watermark last moved (or the state was created). */
    volatile long advancedAt;
    volatile boolean reportedStuck;

    Partition(long now, long watermark) {
      this.lastWatermark = watermark;
      this.advancedAt = now;
    }
  }

  /** Keyed by factory identity and partition; a few entries per pipeline. */
  private static final ConcurrentHashMap<String, Partition> PARTITIONS = new ConcurrentHashMap<>();

  private final TopicPartition topicPartition;
  private final long maxOutOfOrdernessMillis;
  private final long idleTimeoutMillis;
  private final long verificationGapMillis;
  private final long periodMillis;
  private final long allowedLatenessMillis;
  private final Clock clock;
  private final Partition partition;
  private final Gauge stalledSeconds;
  private long watermark;
  private Instant watermarkInstant;

  EventTimePolicy(TopicPartition topicPartition, Settings settings, Clock clock, Partition partition,
      Optional<Instant> previousWatermark) {
    this.topicPartition = topicPartition;
    this.maxOutOfOrdernessMillis = settings.maxOutOfOrderness().getMillis();
    this.idleTimeoutMillis = settings.idleTimeout().getMillis();
    this.verificationGapMillis = Math.max(idleTimeoutMillis, MIN_VERIFICATION_GAP_MILLIS);
    this.periodMillis = settings.windowing().period().getMillis();
    this.allowedLatenessMillis = settings.windowing().allowedLateness().getMillis();
    this.clock = clock;
    this.partition = partition;
    this.stalledSeconds = Metrics.gauge(RouteTicks.METRICS_NAMESPACE,
        "watermark_stalled_seconds_" + topicPartition);
    this.watermarkInstant = previousWatermark.orElse(BoundedWindow.TIMESTAMP_MIN_VALUE);
    this.watermark = watermarkInstant.getMillis();
  }

  /** What the policy needs to know: its two timeouts, and the windows (for lateness). */
  public record Settings(Duration maxOutOfOrderness, Duration idleTimeout, CandleWindowing windowing)
      implements Serializable {}

  /** The factory KafkaIO uses: one policy per partition. */
  public static TimestampPolicyFactory<String, TickValue> factory(Settings settings) {
    return factory(settings, System::currentTimeMillis);
  }

  static TimestampPolicyFactory<String, TickValue> factory(Settings settings, Clock clock) {
    return new Factory(settings, clock);
  }

  @Override
  public Instant getTimestampForRecord(PartitionContext ctx, KafkaRecord<String, TickValue> record) {
    long now = clock.nowMillis();
    partition.lastRecordAt = now;
    if (!(record.getKV().getValue() instanceof TickValue.Accepted accepted)) {
      // On its way to the dead-letter topic: on time, and no tick for the idle rule.
      return watermarkInstant;
    }
    partition.lastTickAt = now;
    long eventTime = accepted.eventTimeMillis();
    long against = Math.max(watermark, eventCandidate(now));
    if (expired(eventTime, against)) {
      accepted.markLate(against);
    } else if (eventTime > partition.maxEventTime) {
      partition.maxEventTime = eventTime;
    }
    return new Instant(eventTime);
  }

  /**
   * Whether the earliest window holding {@code eventTime} closed more than the allowed lateness
   * before {@code watermark}: the test the windows downstream apply to each window
   * ({@code maxTimestamp + allowedLateness < watermark}), here for the earliest, so a tick is
   * either taken by all its windows or by none.
   */
  private boolean expired(long eventTime, long watermark) {
    long earliestWindowMaxTimestamp = Math.floorDiv(eventTime, periodMillis) * periodMillis + periodMillis - 1;
    return earliestWindowMaxTimestamp + allowedLatenessMillis < watermark;
  }

  /** The newest event time, never past the wall clock, less the out-of-orderness. */
  private long eventCandidate(long now) {
    long max = partition.maxEventTime;
    return max == NEVER ? NEVER : Math.min(max, now) - maxOutOfOrdernessMillis;
  }

  @Override
  public Instant getWatermark(PartitionContext ctx) {
    long now = clock.nowMillis();
    noteVerification(ctx);
    long candidate = eventCandidate(now);
    if (isIdle(now)) {
      candidate = Math.max(candidate, partition.verifiedAt - idleTimeoutMillis);
    }
    if (candidate > watermark) {
      watermark = candidate;
      watermarkInstant = new Instant(candidate);
      partition.advancedAt = now;
    }
    partition.lastWatermark = watermark;
    reportIfStuck(ctx, now);
    return watermarkInstant;
  }

  /**
   * Records a verification: a backlog of zero means the read position is the end offset fetched
   * at the check time; an unknown backlog after a fetch means it is past it (KafkaIO reports a
   * negative backlog as unknown). Either way, every record appended before then has been read.
   */
  private void noteVerification(PartitionContext ctx) {
    long checkedAt = ctx.getBacklogCheckTime().getMillis();
    long backlog = ctx.getMessageBacklog();
    if (checkedAt == FETCHED_NEVER || !(backlog == 0 || backlog == UnboundedReader.BACKLOG_UNKNOWN)
        || checkedAt <= partition.verifiedAt) {
      return;
    }
    if (partition.verifiedAt == NEVER || checkedAt - partition.verifiedAt > verificationGapMillis) {
      partition.verifiedSince = checkedAt;
    }
    partition.verifiedAt = checkedAt;
  }

  private boolean isIdle(long now) {
    Partition p = partition;
    return p.verifiedAt != NEVER
        && now - p.verifiedAt <= verificationGapMillis
        && now - p.verifiedSince >= idleTimeoutMillis
        && (p.lastTickAt == NEVER || now - p.lastTickAt >= idleTimeoutMillis);
  }

  private void reportIfStuck(PartitionContext ctx, long now) {
    long stalled = now - partition.advancedAt;
    stalledSeconds.set(stalled / 1000);
    if (stalled >= STUCK_AFTER_MILLIS && !partition.reportedStuck) {
      partition.reportedStuck = true;
      LOG.warn("Partition {} holds the candles' event-time watermark at {}: it has not advanced for {} s "
              + "because {}. Final candles wait for it; no tick is dropped for it.",
          topicPartition, describe(watermark), stalled / 1000, whyStuck(ctx, now));
    } else if (stalled < STUCK_AFTER_MILLIS && partition.reportedStuck) {
      partition.reportedStuck = false;
      LOG.info("Partition {} advances the watermark again: {}", topicPartition, describe(watermark));
    }
  }

  /** Why the watermark stands still, for the log: the first of these reasons that holds. */
  String whyStuck(PartitionContext ctx, long now) {
    Partition p = partition;
    long backlog = ctx.getMessageBacklog();
    if (ctx.getBacklogCheckTime().getMillis() == FETCHED_NEVER) {
      return "its end offset has not been fetched from the broker yet (is the broker reachable?)";
    }
    if (backlog > 0) {
      if (p.lastRecordAt == NEVER || now - p.lastRecordAt >= STUCK_AFTER_MILLIS) {
        // KafkaIO's reader skips records the broker deleted (retention) to the earliest left, but
        // keeps counting them as behind until a new record arrives: the ticks are lost, and the
        // windows they belonged to would be final without them.
        return "it is " + backlog + " records behind its end offset but has read none for "
            + (p.lastRecordAt == NEVER ? "as long" : (now - p.lastRecordAt) / 1000 + " s")
            + ": if the broker deleted them (the topic's retention.ms or retention.bytes), their ticks are lost";
      }
      return "it is " + backlog + " records behind its end offset";
    }
    if (p.verifiedAt == NEVER) {
      return "it has not been seen caught up with its end offset yet";
    }
    if (now - p.verifiedAt > verificationGapMillis) {
      return "it was last known to be caught up " + (now - p.verifiedAt) / 1000 + " s ago: its end offset "
          + "cannot be fetched or reached (is the broker reachable?)";
    }
    if (p.lastTickAt != NEVER && now - p.lastTickAt < idleTimeoutMillis) {
      return "its ticks arrive with event times no later than " + describe(p.maxEventTime)
          + ", which is behind the clock";
    }
    return "it is caught up and waiting for " + idleTimeoutMillis + " ms of silence";
  }

  private static String describe(long millis) {
    return millis == NEVER || millis == FETCHED_NEVER ? "the minimum (nothing read yet)" : EventTimes.format(millis);
  }

  private static final class Factory implements TimestampPolicyFactory<String, TickValue> {
    private static final long serialVersionUID = 1L;
    private final Settings settings;
    private final Clock clock;
    /** Shared by the deserialized copies of this factory, and by nothing else. */
    private final String id = UUID.randomUUID().toString();

    Factory(Settings settings, Clock clock) {
      this.settings = settings;
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
      return new EventTimePolicy(tp, settings, clock, partition, previousWatermark);
    }
  }
}
