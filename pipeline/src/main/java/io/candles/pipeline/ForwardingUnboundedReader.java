package io.candles.pipeline;

import java.io.IOException;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.io.UnboundedSource.UnboundedReader;

/**
 * A reader built on another source's reader: its records are its own to define, while its
 * progress (watermark, checkpoint mark, backlog) and its resources stay the inner reader's.
 *
 * @param <I> the inner reader's records
 * @param <O> this reader's records
 */
abstract class ForwardingUnboundedReader<I, O> extends UnboundedSource.UnboundedReader<O> {
  protected final UnboundedReader<I> in;

  protected ForwardingUnboundedReader(UnboundedReader<I> in) {
    this.in = in;
  }

  @Override
  public org.joda.time.Instant getWatermark() {
    return in.getWatermark();
  }

  @Override
  public UnboundedSource.CheckpointMark getCheckpointMark() {
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
  public void close() throws IOException {
    in.close();
  }
}
