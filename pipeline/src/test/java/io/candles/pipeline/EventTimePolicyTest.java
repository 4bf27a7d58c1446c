package io.candles.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.Optional;
import org.apache.beam.sdk.io.UnboundedSource.UnboundedReader;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.KafkaTimestampType;
import org.apache.beam.sdk.io.kafka.TimestampPolicy;
import org.apache.beam.sdk.io.kafka.TimestampPolicy.PartitionContext;
import org.apache.beam.sdk.io.kafka.TimestampPolicyFactory;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Test;

/**
 * The watermark policy on a hand-driven clock, with the contexts KafkaIO's reader gives it: the
 * backlog and when the end offset was last fetched ({@code BACKLOG_UNKNOWN} and the minimum time
 * before the first fetch).
 */
public class EventTimePolicyTest {

  private static final long T0 = Instant.parse("2021-10-14T18:54:00Z").getMillis();
  private static final long MINUTE = 60_000;
  private static final Duration OUT_OF_ORDER = Duration.standardSeconds(2);
  private static final Duration IDLE = Duration.standardSeconds(5);
  private static final EventTimePolicy.Settings SETTINGS =
      new EventTimePolicy.Settings(OUT_OF_ORDER, IDLE, CandleWindowing.DEFAULT);
  private static final TopicPartition TP = new TopicPartition("ticks", 0);

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

  /** What KafkaIO says: {@code messages} behind the end offset fetched at {@code checkedAt}. */
  private static PartitionContext ctx(long messages, long checkedAt) {
    return new PartitionContext() {
      @Override
      public long getMessageBacklog() {
        return messages;
      }

      @Override
      public Instant getBacklogCheckTime() {
        return new Instant(checkedAt);
      }
    };
  }

  /** Before the reader's first fetch of the end offset. */
  private static final PartitionContext NOT_FETCHED =
      ctx(UnboundedReader.BACKLOG_UNKNOWN, BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis());

  /** Caught up with the end offset fetched just now. */
  private static PartitionContext caughtUp(FakeClock clock) {
    return ctx(0, clock.now);
  }

  private static KafkaRecord<String, TickValue> tickAt(long eventTime) {
    String value = "{\"pair\":\"BTCUSDT\",\"bid\":\"1\",\"ask\":\"2\",\"event_time\":" + eventTime + "}";
    return new KafkaRecord<>("ticks", 0, 0, eventTime + 999, KafkaTimestampType.CREATE_TIME,
        new RecordHeaders(), "BTCUSDT", TickValueDeserializer.parse(value));
  }

  private static KafkaRecord<String, TickValue> garbage() {
    return new KafkaRecord<>("ticks", 0, 1, T0 + 60_000, KafkaTimestampType.CREATE_TIME,
        new RecordHeaders(), "BTCUSDT", TickValueDeserializer.parse("garbage"));
  }

  private static TimestampPolicy<String, TickValue> policy(FakeClock clock) {
    return EventTimePolicy.factory(SETTINGS, clock).createTimestampPolicy(TP, Optional.empty());
  }

  /** Advances the clock in one-second steps, the reader fetching and reaching the end offset each time. */
  private static Instant idleFor(FakeClock clock, TimestampPolicy<String, TickValue> policy, long millis) {
    Instant w = policy.getWatermark(caughtUp(clock));
    for (long t = 0; t < millis; t += 1000) {
      clock.now += 1000;
      w = policy.getWatermark(caughtUp(clock));
    }
    return w;
  }

  private static boolean isLate(KafkaRecord<String, TickValue> r) {
    return ((TickValue.Accepted) r.getKV().getValue()).isLate();
  }

  // ------------------------------------------------------------------ event time

  @Test
  public void timestampIsTheValuesEventTimeNotTheKafkaTimestamp() {
    TimestampPolicy<String, TickValue> policy = policy(new FakeClock(T0));
    assertEquals(new Instant(T0 + 7), policy.getTimestampForRecord(ctx(5, T0), tickAt(T0 + 7)));
  }

  @Test
  public void watermarkTrailsTheNewestEventTimeByTheOutOfOrderness() {
    FakeClock clock = new FakeClock(T0 + MINUTE);
    TimestampPolicy<String, TickValue> policy = policy(clock);
    policy.getTimestampForRecord(ctx(5, clock.now), tickAt(T0 + 10_000));
    // An older tick does not move the watermark back.
    policy.getTimestampForRecord(ctx(4, clock.now), tickAt(T0 + 9_000));
    assertEquals(new Instant(T0 + 8_000), policy.getWatermark(ctx(4, clock.now)));
  }

  @Test
  public void aTickFromAClockAheadMovesTheWatermarkNoFurtherThanTheWallClock() {
    // Accepted (within the allowed skew) but 50 s ahead: it must not finalise the windows of the
    // next 50 s while their ticks are still to come.
    FakeClock clock = new FakeClock(T0);
    TimestampPolicy<String, TickValue> policy = policy(clock);
    policy.getTimestampForRecord(ctx(1, T0), tickAt(T0 + 50_000));
    assertEquals(new Instant(T0 - 2_000), policy.getWatermark(ctx(1, T0)));
    KafkaRecord<String, TickValue> next = tickAt(T0 + 100);
    policy.getTimestampForRecord(ctx(0, T0), next);
    assertFalse(isLate(next));
  }

  @Test
  public void anUnparseableRecordDoesNotMoveTheWatermark() {
    FakeClock clock = new FakeClock(T0 + MINUTE);
    TimestampPolicy<String, TickValue> policy = policy(clock);
    policy.getTimestampForRecord(ctx(5, clock.now), tickAt(T0));
    assertEquals(new Instant(T0 - 2_000), policy.getWatermark(ctx(5, clock.now)));
    // Stamped at the watermark, whatever the record's own timestamp (here a minute later).
    assertEquals(new Instant(T0 - 2_000), policy.getTimestampForRecord(ctx(5, clock.now), garbage()));
    assertEquals(new Instant(T0 - 2_000), policy.getWatermark(ctx(4, clock.now)));
  }

  // ------------------------------------------------------------------ idle partitions

  @Test
  public void anUnknownBacklogBeforeTheFirstFetchIsNotCaughtUp() {
    // Start-up, or a reader that cannot reach the broker: the old policy took this for "caught up"
    // and moved to now - idleTimeout, finalising every old window ahead of its unread ticks.
    FakeClock clock = new FakeClock(T0);
    TimestampPolicy<String, TickValue> policy = policy(clock);
    for (int i = 0; i < 120; i++) {
      clock.now += 1000;
      assertEquals(BoundedWindow.TIMESTAMP_MIN_VALUE, policy.getWatermark(NOT_FETCHED));
    }
  }

  @Test
  public void anEmptyPartitionAdvancesOnceKnownCaughtUpForTheIdleTimeoutNotFromItsCreation() {
    FakeClock clock = new FakeClock(T0);
    TimestampPolicy<String, TickValue> policy = policy(clock);
    // A minute passes before the reader can fetch the end offset (a slow start, a split that waits).
    clock.now += MINUTE;
    assertEquals(BoundedWindow.TIMESTAMP_MIN_VALUE, policy.getWatermark(NOT_FETCHED));
    long firstVerified = clock.now;
    // Known to be caught up: the idle timeout counts from here, not from the policy's creation.
    assertEquals(BoundedWindow.TIMESTAMP_MIN_VALUE, idleFor(clock, policy, 4_000));
    Instant w = idleFor(clock, policy, 1_000);
    assertEquals(new Instant(firstVerified + 5_000 - 5_000), w);
    // And on with the fetches: (when last known caught up) - idleTimeout.
    assertEquals(new Instant(clock.now + 30_000 - 5_000), idleFor(clock, policy, 30_000));
  }

  @Test
  public void readingPastTheFetchedEndOffsetCountsAsCaughtUp() {
    // KafkaIO reports a position past the last fetched end offset as an unknown backlog.
    FakeClock clock = new FakeClock(T0);
    TimestampPolicy<String, TickValue> policy = policy(clock);
    Instant w = null;
    for (int i = 0; i <= 6; i++) {
      w = policy.getWatermark(ctx(UnboundedReader.BACKLOG_UNKNOWN, clock.now));
      clock.now += 1000;
    }
    assertEquals(new Instant(T0 + 6_000 - 5_000), w);
  }

  @Test
  public void aPartitionWithABacklogFollowsItsTicksHoweverLongItsSilence() {
    FakeClock clock = new FakeClock(T0);
    TimestampPolicy<String, TickValue> policy = policy(clock);
    policy.getTimestampForRecord(ctx(100, T0), tickAt(T0 - MINUTE));
    for (int i = 0; i < 30; i++) {
      clock.now += 1000;
      assertEquals(new Instant(T0 - MINUTE - 2_000), policy.getWatermark(ctx(100, clock.now)));
    }
  }

  @Test
  public void aQuietPartitionAdvancesOnTheClockAndNeverGoesBack() {
    FakeClock clock = new FakeClock(T0);
    TimestampPolicy<String, TickValue> policy = policy(clock);
    policy.getTimestampForRecord(ctx(0, T0), tickAt(T0 - 1_000));
    assertEquals(new Instant(T0 - 3_000), policy.getWatermark(caughtUp(clock)));
    // Still within the idle timeout of its last tick: the tick rules.
    assertEquals(new Instant(T0 - 3_000), idleFor(clock, policy, 4_000));
    assertEquals(new Instant(T0 + 5_000 - 5_000), idleFor(clock, policy, 1_000));
    assertEquals(new Instant(T0 + 25_000), idleFor(clock, policy, 25_000));
    // An old tick afterwards does not move it back.
    policy.getTimestampForRecord(caughtUp(clock), tickAt(T0 + 20_000));
    assertEquals(new Instant(T0 + 25_000), policy.getWatermark(caughtUp(clock)));
  }

  @Test
  public void aBusyPartitionIsNeverIdle() {
    FakeClock clock = new FakeClock(T0);
    TimestampPolicy<String, TickValue> policy = policy(clock);
    for (int i = 0; i < 10; i++) {
      clock.now = T0 + i * 1_000;
      policy.getTimestampForRecord(caughtUp(clock), tickAt(T0 - 30_000 + i * 1_000));
      policy.getWatermark(caughtUp(clock));
    }
    assertEquals(new Instant(T0 - 30_000 + 9_000 - 2_000), policy.getWatermark(caughtUp(clock)));
  }

  @Test
  public void aPartitionOfOnlyDeadLettersAdvancesLikeASilentOne() {
    // A format drift on one pair: its partition receives nothing but rejects. They must not
    // freeze every pair's final candles.
    FakeClock clock = new FakeClock(T0);
    TimestampPolicy<String, TickValue> policy = policy(clock);
    policy.getTimestampForRecord(caughtUp(clock), tickAt(T0 - 1_000));
    Instant w = null;
    for (int i = 0; i < 40; i++) {
      clock.now += 250;
      policy.getTimestampForRecord(caughtUp(clock), garbage());
      w = policy.getWatermark(ctx(UnboundedReader.BACKLOG_UNKNOWN, clock.now - clock.now % 1000));
    }
    assertEquals(new Instant(T0 + 10_000 - 5_000), w);
  }

  // ------------------------------------------------------------------ outages

  @Test
  public void duringAnOutageTheWatermarkStopsAndAfterItWaitsForWhatTheProducerBuffered() {
    FakeClock clock = new FakeClock(T0);
    TimestampPolicy<String, TickValue> policy = policy(clock);
    policy.getTimestampForRecord(caughtUp(clock), tickAt(T0 - 100));
    Instant before = idleFor(clock, policy, 20_000);
    assertEquals(new Instant(T0 + 20_000 - 5_000), before);
    long outageStart = clock.now;
    // The broker is gone for two minutes: the end offset is not fetched again; the reader keeps
    // reporting the old fetch.
    for (int i = 0; i < 120; i++) {
      clock.now += 1000;
      assertEquals(before, policy.getWatermark(ctx(0, outageStart)));
    }
    // It is back. The ingester buffered ticks meanwhile and sends them within a second or two:
    // until then the partition is caught up with what Kafka has, and must wait.
    assertEquals(before, idleFor(clock, policy, 2_000));
    for (long t = outageStart + 1_000; t < outageStart + 120_000; t += 1_000) {
      KafkaRecord<String, TickValue> buffered = tickAt(t);
      policy.getTimestampForRecord(ctx(0, clock.now), buffered);
      assertFalse("buffered during the outage, on time: " + t, isLate(buffered));
    }
    assertEquals(new Instant(outageStart + 119_000 - 2_000), policy.getWatermark(caughtUp(clock)));
  }

  // ------------------------------------------------------------------ late ticks

  @Test
  public void aTickReadAfterItsWindowsAllowedLatenessIsMarkedLateAndMovesNothing() {
    FakeClock clock = new FakeClock(T0 + 10 * MINUTE);
    TimestampPolicy<String, TickValue> policy = policy(clock);
    policy.getTimestampForRecord(ctx(1, clock.now), tickAt(T0 + 5 * MINUTE));
    // Watermark T0 + 5m - 2 s. A tick at T0 + 1m30s: earliest window [T0 - 3m, T0 + 2m), which
    // closed (plus one minute of lateness) at T0 + 3m: late.
    KafkaRecord<String, TickValue> late = tickAt(T0 + 90_000);
    policy.getTimestampForRecord(ctx(0, clock.now), late);
    assertTrue(isLate(late));
    assertEquals(T0 + 5 * MINUTE - 2_000,
        ((TickValue.Accepted) late.getKV().getValue()).lateAgainstWatermark());
    // A tick at T0 + 3m59s: earliest window [T0 - 1m, T0 + 4m), closed for good only after
    // T0 + 5m: behind the watermark but allowed, so taken (its final candle gets a late update).
    KafkaRecord<String, TickValue> allowed = tickAt(T0 + 3 * MINUTE + 59_000);
    policy.getTimestampForRecord(ctx(0, clock.now), allowed);
    assertFalse(isLate(allowed));
    assertEquals(new Instant(T0 + 5 * MINUTE - 2_000), policy.getWatermark(ctx(0, clock.now)));
  }

  @Test
  public void lateIsDecidedByTheEarliestWindowSoATickIsTakenWholeOrNotAtAll() {
    FakeClock clock = new FakeClock(T0 + 10 * MINUTE);
    TimestampPolicy<String, TickValue> policy = policy(clock);
    policy.getTimestampForRecord(ctx(1, clock.now), tickAt(T0 + 4 * MINUTE + 2_001));
    // Watermark just past T0 + 4m: the window [T0 - 2m, T0 + 3m) is closed for good, but the
    // tick at T0 + 2m1s also belongs to windows still open ([T0 + 2m, T0 + 7m) among them).
    KafkaRecord<String, TickValue> tick = tickAt(T0 + 2 * MINUTE + 1_000);
    policy.getTimestampForRecord(ctx(0, clock.now), tick);
    assertTrue("late for its earliest window, so for all of them", isLate(tick));
  }

  @Test
  public void aReplayedBacklogDecidesLatenessFromItsRecordsAloneNotFromWhenItIsRead() {
    // The same records read once slowly, with the watermark asked after every record, and once
    // in one batch, asked only at the end (as the batched read does): the same ticks are late.
    long[] times = {T0 + 5 * MINUTE, T0 + 60_000, T0 + 3 * MINUTE + 30_000, T0 + 2 * MINUTE, T0 + 6 * MINUTE};
    boolean[] slow = lateness(times, true);
    boolean[] batched = lateness(times, false);
    for (int i = 0; i < times.length; i++) {
      assertEquals("record " + i, slow[i], batched[i]);
    }
    assertTrue(slow[1]);
    assertFalse(slow[2]);
  }

  private static boolean[] lateness(long[] times, boolean askEveryRecord) {
    FakeClock clock = new FakeClock(T0 + 20 * MINUTE);
    TimestampPolicy<String, TickValue> policy = policy(clock);
    boolean[] late = new boolean[times.length];
    for (int i = 0; i < times.length; i++) {
      KafkaRecord<String, TickValue> r = tickAt(times[i]);
      policy.getTimestampForRecord(ctx(times.length - i, clock.now), r);
      late[i] = isLate(r);
      if (askEveryRecord) {
        policy.getWatermark(ctx(times.length - i - 1, clock.now));
      }
    }
    return late;
  }

  // ------------------------------------------------------------------ resumption and restore

  @Test
  public void resumesFromThePreviousWatermark() {
    TimestampPolicy<String, TickValue> policy = EventTimePolicy.factory(SETTINGS, new FakeClock(T0))
        .createTimestampPolicy(TP, Optional.of(new Instant(T0 - 1)));
    assertEquals(new Instant(T0 - 1), policy.getWatermark(ctx(3, T0)));
  }

  @Test
  public void aResumedPolicyKeepsWhatItsPartitionWasKnownToBe() {
    // The SDF read makes a new policy each time it resumes a partition, passing the watermark the
    // last one reported. Resumed every 2 s, a caught-up silent partition must still become idle.
    FakeClock clock = new FakeClock(T0);
    TimestampPolicyFactory<String, TickValue> factory = EventTimePolicy.factory(SETTINGS, clock);
    TimestampPolicy<String, TickValue> first = factory.createTimestampPolicy(TP, Optional.empty());
    first.getTimestampForRecord(caughtUp(clock), tickAt(T0));
    Instant watermark = first.getWatermark(caughtUp(clock));
    assertEquals(new Instant(T0 - 2_000), watermark);
    for (int i = 0; i < 3; i++) {
      clock.now += 1_000;
      TimestampPolicy<String, TickValue> resumed = factory.createTimestampPolicy(TP, Optional.of(watermark));
      // Each new reader fetches the end offset first.
      watermark = resumed.getWatermark(NOT_FETCHED);
      clock.now += 1_000;
      watermark = resumed.getWatermark(caughtUp(clock));
    }
    // Six seconds without a tick, over three policies, caught up throughout: idle.
    assertEquals(new Instant(T0 + 6_000 - 5_000), watermark);
  }

  @Test
  public void aPolicyRestoredFromAnOlderCheckpointStartsAfreshAndWaitsToBeCaughtUp() {
    FakeClock clock = new FakeClock(T0 + MINUTE);
    TimestampPolicyFactory<String, TickValue> factory = EventTimePolicy.factory(SETTINGS, clock);
    TimestampPolicy<String, TickValue> first = factory.createTimestampPolicy(TP, Optional.empty());
    first.getTimestampForRecord(ctx(5, clock.now), tickAt(T0));
    Instant checkpointed = first.getWatermark(ctx(5, clock.now));
    // Records after the checkpoint move the newest event time on, it goes idle, then the job fails.
    first.getTimestampForRecord(ctx(4, clock.now), tickAt(T0 + 30_000));
    idleFor(clock, first, 10_000);
    TimestampPolicy<String, TickValue> restored = factory.createTimestampPolicy(TP, Optional.of(checkpointed));
    // The watermark stays where the checkpoint left it until the replayed records move it, and
    // the restored reader is not caught up yet: no idle advance however long it takes.
    for (int i = 0; i < 30; i++) {
      clock.now += 1000;
      assertEquals(checkpointed, restored.getWatermark(NOT_FETCHED));
    }
    restored.getTimestampForRecord(ctx(4, clock.now), tickAt(T0 + 1_000));
    assertEquals(new Instant(T0 - 1_000), restored.getWatermark(ctx(4, clock.now)));
  }

  // ------------------------------------------------------------------ why a watermark stands still

  @Test
  public void aStallBeforeTheFirstEndOffsetFetchBlamesTheBroker() {
    FakeClock clock = new FakeClock(T0);
    EventTimePolicy policy = (EventTimePolicy) policy(clock);
    assertThat(policy.whyStuck(NOT_FETCHED, clock.now), containsString("not been fetched from the broker"));
  }

  @Test
  public void aReaderBehindItsEndOffsetThatStillReadsIsCatchingUp() {
    FakeClock clock = new FakeClock(T0 + MINUTE);
    EventTimePolicy policy = (EventTimePolicy) policy(clock);
    policy.getTimestampForRecord(ctx(500, clock.now), tickAt(T0));
    clock.now += 10_000;
    assertEquals("it is 500 records behind its end offset", policy.whyStuck(ctx(500, clock.now), clock.now));
  }

  @Test
  public void aReaderBehindItsEndOffsetThatReadsNothingNamesDeletedRecords() {
    // What KafkaIO reports after the broker deleted records the reader had not read: its offset
    // jumps to the earliest left, but the backlog it reports keeps counting them.
    FakeClock clock = new FakeClock(T0 + MINUTE);
    EventTimePolicy policy = (EventTimePolicy) policy(clock);
    policy.getTimestampForRecord(ctx(4_000, clock.now), garbage());
    clock.now += EventTimePolicy.STUCK_AFTER_MILLIS;
    String why = policy.whyStuck(ctx(4_000, clock.now), clock.now);
    assertThat(why, containsString("4000 records behind its end offset but has read none for 60 s"));
    assertThat(why, containsString("retention.ms"));
  }
}
