package io.candles.pipeline;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.CountingSource;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.io.UnboundedSource.CheckpointMark;
import org.apache.beam.sdk.io.UnboundedSource.UnboundedReader;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Instant;
import org.junit.Test;

/** Batches of an inner source's records: none lost, none repeated, timestamps kept. */
public class BatchingUnboundedSourceTest {
  private static final PipelineOptions OPTIONS = PipelineOptionsFactory.create();
  /** A fixed base instant; record i is at BASE + (i % 5 == 0 ? i - 3 : i) seconds: some disorder. */
  private static final Instant BASE = Instant.parse("2026-01-05T10:00:00Z");

  /** A batch time no test reaches with the system clock. */
  private static final org.joda.time.Duration LONG = org.joda.time.Duration.standardHours(1);

  private static Instant timeOf(long i) {
    return BASE.plus(org.joda.time.Duration.standardSeconds(i % 5 == 0 ? i - 3 : i));
  }

  private static UnboundedSource<Long, CountingSource.CounterMark> counting() {
    return CountingSource.unboundedWithTimestampFn(BatchingUnboundedSourceTest::timeOf);
  }

  @Test
  public void batchesHoldEveryRecordOnceInOrderWithItsOwnTimestamp() throws IOException {
    BatchingUnboundedSource<Long, CountingSource.CounterMark> source =
        new BatchingUnboundedSource<>(counting(), 7, LONG);
    List<Long> seen = new ArrayList<>();
    try (UnboundedReader<List<TimestampedValue<Long>>> r = source.createReader(OPTIONS, null)) {
      assertTrue(r.start());
      for (int batch = 0; batch < 10; batch++) {
        if (batch > 0) {
          assertTrue(r.advance());
        }
        List<TimestampedValue<Long>> b = r.getCurrent();
        // The counting source always has its next record ready: every batch is full.
        assertEquals(7, b.size());
        Instant earliest = b.get(0).getTimestamp();
        for (TimestampedValue<Long> v : b) {
          assertEquals(timeOf(v.getValue()), v.getTimestamp());
          earliest = v.getTimestamp().isBefore(earliest) ? v.getTimestamp() : earliest;
          seen.add(v.getValue());
        }
        assertEquals("a batch is stamped with its earliest record", earliest, r.getCurrentTimestamp());
      }
    }
    for (int i = 0; i < seen.size(); i++) {
      assertEquals(Long.valueOf(i), seen.get(i));
    }
  }

  @Test
  public void aReaderResumedFromACheckpointGoesOnAfterTheLastBatch() throws IOException {
    BatchingUnboundedSource<Long, CountingSource.CounterMark> source =
        new BatchingUnboundedSource<>(counting(), 4, LONG);
    CountingSource.CounterMark mark;
    long last;
    try (UnboundedReader<List<TimestampedValue<Long>>> r = source.createReader(OPTIONS, null)) {
      r.start();
      r.advance();
      r.advance();
      List<TimestampedValue<Long>> b = r.getCurrent();
      last = b.get(b.size() - 1).getValue();
      mark = roundTrip(source, (CountingSource.CounterMark) r.getCheckpointMark());
    }
    try (UnboundedReader<List<TimestampedValue<Long>>> r = source.createReader(OPTIONS, mark)) {
      assertTrue(r.start());
      assertEquals(Long.valueOf(last + 1), r.getCurrent().get(0).getValue());
    }
  }

  @Test
  public void aFreshReaderStartsAtItsStartMarkAndARestoredOneAtItsCheckpoint() throws Exception {
    BatchingUnboundedSource<Long, CountingSource.CounterMark> source = new BatchingUnboundedSource<>(
        counting(), 4, LONG, split -> new CountingSource.CounterMark(99, BASE));
    try (UnboundedReader<List<TimestampedValue<Long>>> r = source.split(1, OPTIONS).get(0)
        .createReader(OPTIONS, null)) {
      assertTrue(r.start());
      assertEquals("no checkpoint: where the start mark says", Long.valueOf(100), r.getCurrent().get(0).getValue());
    }
    try (UnboundedReader<List<TimestampedValue<Long>>> r =
        source.createReader(OPTIONS, new CountingSource.CounterMark(9, BASE))) {
      assertTrue(r.start());
      assertEquals("a checkpoint wins over the start mark", Long.valueOf(10), r.getCurrent().get(0).getValue());
    }
  }

  @Test
  public void aBatchIsOnlyWhatTheInnerReaderHasReadyAndNothingReadyIsNoBatch() throws IOException {
    // Bursts of 3, 0 and 2 records: null marks where the inner reader has nothing ready.
    Bursts inner = new Bursts(List.of(1L, 2L, 3L), List.of(), List.of(4L, 5L));
    BatchingUnboundedSource<Long, CheckpointMark> source = new BatchingUnboundedSource<>(inner, 100, LONG);
    try (UnboundedReader<List<TimestampedValue<Long>>> r = source.createReader(OPTIONS, null)) {
      assertTrue(r.start());
      assertEquals(List.of(1L, 2L, 3L), values(r.getCurrent()));
      assertFalse("nothing ready: no batch, no waiting", r.advance());
      assertTrue(r.advance());
      assertEquals(List.of(4L, 5L), values(r.getCurrent()));
      assertFalse(r.advance());
    }
  }

  @Test
  public void aBatchClosesAtItsTimeLimitEvenWhileRecordsKeepComing() throws IOException {
    // Every advance of the inner reader takes 1 ms of (test) time, and it always has a record:
    // a light, steady feed as Kafka's reader sees it. Batches close at 5 ms, not at 1,000 records.
    long[] now = {0};
    UnboundedSource<Long, CountingSource.CounterMark> slow = new CountingSourceWithClock(now);
    BatchingUnboundedSource<Long, CountingSource.CounterMark> source = new BatchingUnboundedSource<>(
        slow, 1000, org.joda.time.Duration.millis(5), () -> now[0], null);
    try (UnboundedReader<List<TimestampedValue<Long>>> r = source.createReader(OPTIONS, null)) {
      assertTrue(r.start());
      assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), values(r.getCurrent()));
      assertTrue(r.advance());
      assertEquals("the next batch goes on where the last one stopped",
          Long.valueOf(6L), r.getCurrent().get(0).getValue());
      assertEquals(6, r.getCurrent().size());
    }
  }

  /** The counting source, each of whose advances moves {@code now} on by a millisecond. */
  private static final class CountingSourceWithClock
      extends UnboundedSource<Long, CountingSource.CounterMark> {
    private final UnboundedSource<Long, CountingSource.CounterMark> counting = counting();
    private final transient long[] now;

    CountingSourceWithClock(long[] now) {
      this.now = now;
    }

    @Override
    public List<CountingSourceWithClock> split(int n, PipelineOptions options) {
      return List.of(this);
    }

    @Override
    public UnboundedReader<Long> createReader(PipelineOptions options,
        CountingSource.CounterMark mark) throws IOException {
      return new ForwardingUnboundedReader<Long, Long>(counting.createReader(options, mark)) {
        @Override
        public boolean start() throws IOException {
          return in.start();
        }

        @Override
        public boolean advance() throws IOException {
          now[0] += 1_000_000L;
          return in.advance();
        }

        @Override
        public Long getCurrent() {
          return in.getCurrent();
        }

        @Override
        public Instant getCurrentTimestamp() {
          return in.getCurrentTimestamp();
        }

        @Override
        public UnboundedSource<Long, ?> getCurrentSource() {
          return CountingSourceWithClock.this;
        }
      };
    }

    @Override
    public org.apache.beam.sdk.coders.Coder<CountingSource.CounterMark> getCheckpointMarkCoder() {
      return counting.getCheckpointMarkCoder();
    }

    @Override
    public org.apache.beam.sdk.coders.Coder<Long> getOutputCoder() {
      return counting.getOutputCoder();
    }
  }

  @Test
  public void theBatchCoderRoundTrips() throws Exception {
    BatchingUnboundedSource<Long, CountingSource.CounterMark> source =
        new BatchingUnboundedSource<>(counting(), 3, LONG);
    CoderProperties.coderDecodeEncodeEqual(source.getOutputCoder(),
        List.of(TimestampedValue.of(1L, BASE), TimestampedValue.of(2L, BASE.plus(5))));
  }

  @Test
  public void aSourceThatNeedsDeduplicationIsRefused() {
    UnboundedSource<Long, CheckpointMark> dedup = new Bursts(List.of(1L)) {
      @Override
      public boolean requiresDeduping() {
        return true;
      }
    };
    assertThrows(IllegalArgumentException.class, () -> new BatchingUnboundedSource<>(dedup, 10, LONG));
  }

  private static List<Long> values(List<TimestampedValue<Long>> batch) {
    List<Long> out = new ArrayList<>();
    batch.forEach(v -> out.add(v.getValue()));
    return out;
  }

  private static CountingSource.CounterMark roundTrip(
      BatchingUnboundedSource<Long, CountingSource.CounterMark> s, CountingSource.CounterMark m)
      throws CoderException {
    return CoderUtils.clone(s.getCheckpointMarkCoder(), m);
  }

  /**
   * An in-memory source whose reader has the given bursts ready one after another, with "nothing
   * ready" (advance returns false) after each burst.
   */
  private static class Bursts extends UnboundedSource<Long, CheckpointMark> {
    private final List<Long> events = new ArrayList<>(); // null: nothing ready at this point

    @SafeVarargs
    Bursts(List<Long>... bursts) {
      for (List<Long> burst : bursts) {
        events.addAll(burst);
        events.add(null);
      }
    }

    @Override
    public List<Bursts> split(int n, PipelineOptions options) {
      return List.of(this);
    }

    @Override
    public UnboundedReader<Long> createReader(PipelineOptions options, CheckpointMark mark) {
      return new UnboundedReader<>() {
        int at = -1;

        @Override
        public boolean start() {
          return advance();
        }

        @Override
        public boolean advance() {
          at = Math.min(at + 1, events.size());
          return at < events.size() && events.get(at) != null;
        }

        @Override
        public Long getCurrent() {
          return events.get(at);
        }

        @Override
        public Instant getCurrentTimestamp() {
          return BASE.plus(getCurrent());
        }

        @Override
        public Instant getWatermark() {
          return BASE;
        }

        @Override
        public CheckpointMark getCheckpointMark() {
          return CheckpointMark.NOOP_CHECKPOINT_MARK;
        }

        @Override
        public UnboundedSource<Long, ?> getCurrentSource() {
          return Bursts.this;
        }

        @Override
        public void close() {}
      };
    }

    @Override
    public org.apache.beam.sdk.coders.Coder<CheckpointMark> getCheckpointMarkCoder() {
      throw new UnsupportedOperationException();
    }

    @Override
    public org.apache.beam.sdk.coders.Coder<Long> getOutputCoder() {
      return VarLongCoder.of();
    }
  }
}
