package io.candles.pipeline;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * The read reached a position the broker no longer has: records deleted before the pipeline read
 * them (the topic's retention, records deleted by hand, a topic recreated). Their ticks are lost,
 * and the windows they belonged to would become final without them, so the read fails rather than
 * skip them, unless the user chose to go on ({@code --deletedTicks=skip}). The message is meant for
 * the user as is.
 */
public final class TicksDeletedException extends IOException {
  private static final long serialVersionUID = 1L;

  public TicksDeletedException(Map<TopicPartition, Long> positions, Throwable cause) {
    super(describe(positions), cause);
  }

  /** Found before reading: a restart whose first ticks the topic no longer has ({@link ResumePoint}). */
  public TicksDeletedException(String message) {
    super(message);
  }

  private static String describe(Map<TopicPartition, Long> positions) {
    Map<String, Long> sorted = new TreeMap<>();
    positions.forEach((tp, offset) -> sorted.put(tp.toString(), offset));
    StringBuilder where = new StringBuilder();
    sorted.forEach((tp, offset) -> where.append(where.length() == 0 ? "" : ", ")
        .append("offset ").append(offset).append(" of ").append(tp));
    return "The broker no longer has the ticks the pipeline was to read next (" + where + "): they were "
        + "deleted before they were read (the topic's retention.ms or retention.bytes, records deleted by hand, "
        + "or the topic recreated). They are lost, and the windows they belonged to would be final without "
        + "them, so reading stops here. Keep ticks longer than the pipeline can be away (retention.ms), or "
        + "accept the loss and go on from the earliest tick left with --deletedTicks=skip.";
  }
}
