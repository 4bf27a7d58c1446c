package io.candles.pipeline;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.TimestampedValue;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;

/**
 * An unbounded source whose elements are batches of another source's records, each with the
 * timestamp that source gave it: whatever the inner reader has ready, up to {@code maxBatch}
 * records, becomes one element.
 *
 * <p>Why: runners pay a fixed cost per element a source emits. The Flink runner publishes the
 * source's metrics to Flink after every {@code advance()} (its {@code ReaderInvocationUtil}), which
 * was 42 % of the CPU of a throughput run; the DirectRunner reads an unbounded source through a
 * splittable DoFn that stops after 100 elements per bundle, so a bundle of ticks was at most 100.
 * Batching pays those costs once per batch. It adds no latency: a batch holds only records the
 * inner reader already has, never waits for more.
 *
 * <p>Checkpoints and watermarks are the inner reader's. A checkpoint is taken after the current
 * element has been emitted, and every record read so far is in an emitted batch, so the inner
 * checkpoint mark describes exactly what was emitted. The batch's own timestamp is the earliest
 * of its records', so a consumer may emit each record at its own (later or equal) timestamp.
 */
public final class BatchingUnboundedSource<T, C extends UnboundedSource.CheckpointMark>
    extends UnboundedSource<List<TimestampedValue<T>>, C> {

  private final UnboundedSource<T, C> inner;
  private final int maxBatch;

  public BatchingUnboundedSource(UnboundedSource<T, C> inner, int maxBatch) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be at least 1, not " + maxBatch);
    }
    if (inner.requiresDeduping()) {
      // Record ids are per record; a batch has none of its own.
      throw new IllegalArgumentException("cannot batch a source that requires de-duplication");
    }
    this.inner = inner;
    this.maxBatch = maxBatch;
  }

  @Override
  public List<BatchingUnboundedSource<T, C>> split(int desiredNumSplits, PipelineOptions options)
      throws Exception {
    List<BatchingUnboundedSource<T, C>> splits = new ArrayList<>();
    for (UnboundedSource<T, C> s : inner.split(desiredNumSplits, options)) {
      splits.add(new BatchingUnboundedSource<>(s, maxBatch));
    }
    return splits;
  }

  @Override
  public UnboundedReader<List<TimestampedValue<T>>> createReader(
      PipelineOptions options, @Nullable C checkpointMark) throws IOException {
    return new Reader(inner.createReader(options, checkpointMark));
  }

  @Override
  public Coder<C> getCheckpointMarkCoder() {
    return inner.getCheckpointMarkCoder();
  }

  @Override
  public Coder<List<TimestampedValue<T>>> getOutputCoder() {
    return ListCoder.of(TimestampedValue.TimestampedValueCoder.of(inner.getOutputCoder()));
  }

  private final class Reader extends UnboundedReader<List<TimestampedValue<T>>> {
    private final UnboundedReader<T> in;
    private @Nullable List<TimestampedValue<T>> batch;
    private Instant batchTimestamp = BoundedWindow.TIMESTAMP_MIN_VALUE;

    Reader(UnboundedReader<T> in) {
      this.in = in;
    }

    @Override
    public boolean start() throws IOException {
      return fill(in.start());
    }

    @Override
    public boolean advance() throws IOException {
      return fill(in.advance());
    }

    /** Takes the inner reader's current record, if {@code available}, and what else it has ready. */
    private boolean fill(boolean available) throws IOException {
      if (!available) {
        batch = null;
        return false;
      }
      List<TimestampedValue<T>> b = new ArrayList<>(Math.min(maxBatch, 64));
      Instant earliest = take(b, null);
      while (b.size() < maxBatch && in.advance()) {
        earliest = take(b, earliest);
      }
      batch = b;
      batchTimestamp = earliest;
      return true;
    }

    private Instant take(List<TimestampedValue<T>> b, @Nullable Instant earliest) {
      Instant t = in.getCurrentTimestamp();
      b.add(TimestampedValue.of(in.getCurrent(), t));
      return earliest == null || t.isBefore(earliest) ? t : earliest;
    }

    @Override
    public List<TimestampedValue<T>> getCurrent() {
      if (batch == null) {
        throw new NoSuchElementException();
      }
      return batch;
    }

    @Override
    public Instant getCurrentTimestamp() {
      if (batch == null) {
        throw new NoSuchElementException();
      }
      return batchTimestamp;
    }

    @Override
    public Instant getWatermark() {
      return in.getWatermark();
    }

    @Override
    public CheckpointMark getCheckpointMark() {
      return in.getCheckpointMark();
    }

    @Override
    public long getSplitBacklogBytes() {
      return in.getSplitBacklogBytes();
    }

    @Override
    public long getTotalBacklogBytes() {
      return in.getTotalBacklogBytes();
    }

    @Override
    public UnboundedSource<List<TimestampedValue<T>>, ?> getCurrentSource() {
      return BatchingUnboundedSource.this;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
