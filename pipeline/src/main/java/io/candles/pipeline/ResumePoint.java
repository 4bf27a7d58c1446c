package io.candles.pipeline;

import io.candles.contract.EventTimes;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a fresh start of the pipeline (no checkpoint, no savepoint) reads the tick topic from, and
 * which windows it leaves alone (option {@code --startFrom}).
 *
 * <p>{@code auto}, the default, restarts from what the table says: {@code candle_progress} records
 * that every window ending by {@code final_through} is final and written ({@link TrackFinalProgress}).
 * The windows after it are recomputed from their first tick, which is at or after the start of the
 * first of them ({@code final_through + period - size}), so each partition is read from its first
 * record stamped at or after that time; the windows ending by {@code final_through} are not written
 * again. The time a restart takes depends on the window length, not on the topic's retention. The
 * first start of a table, with nothing final yet, reads the whole topic.
 *
 * <p>Record timestamps find the offsets: the contract has producers stamp each record with its
 * event time, and a producer's clock is not behind its ticks' event times, so no tick of a window
 * after {@code final_through} sits before the offset found.
 *
 * @param startOffsets per partition number, the first offset to read; empty: the earliest offsets
 * @param finalThrough windows ending at or before it are left alone; {@link #NONE} for none
 * @param description one line for the log
 */
public record ResumePoint(Map<Integer, Long> startOffsets, long finalThrough, String description)
    implements Serializable {

  private static final Logger LOG = LoggerFactory.getLogger(ResumePoint.class);
  public static final long NONE = Long.MIN_VALUE;
  public static final String AUTO = "auto";
  public static final String EARLIEST = "earliest";
  private static final int TIMEOUT_SECONDS = 10;

  /** The whole topic, nothing left alone. */
  public static ResumePoint earliest(String why) {
    return new ResumePoint(Map.of(), NONE, why);
  }

  /** Checks the option's form; the IllegalArgumentException says what is wrong in one line. */
  public static void checkOption(String startFrom) {
    if (startFrom == null || startFrom.equals(AUTO) || startFrom.equals(EARLIEST)) {
      return;
    }
    try {
      java.time.Instant.parse(startFrom);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("--startFrom=" + startFrom + " is not 'auto', 'earliest' or an "
          + "ISO-8601 time such as 2026-12-01T00:00:00Z");
    }
  }

  /**
   * Resolves {@code --startFrom} against the table's progress and the topic's offsets.
   *
   * @throws ServiceUnavailableException naming the service that did not answer
   */
  public static ResumePoint resolve(String startFrom, JdbcSettings jdbc, String table,
      CandleWindowing windowing, String bootstrapServers, String topic, ReadTicks.DeletedTicks deletedTicks) {
    if (startFrom == null || startFrom.equals(AUTO)) {
      Optional<Long> finalThrough;
      try (Connection c = jdbc.connect(TIMEOUT_SECONDS)) {
        finalThrough = CandleSchema.finalThrough(c, table);
      } catch (SQLException e) {
        throw new ServiceUnavailableException("PostgreSQL at " + jdbc.url()
            + " did not say how far " + table + " is final (" + e.getMessage() + ")");
      }
      if (finalThrough.isEmpty()) {
        return earliest("nothing in " + table + " is final yet: reading " + topic + " from its earliest offsets");
      }
      long through = finalThrough.get();
      long from = through + windowing.period().getMillis() - windowing.size().getMillis();
      Positions positions = positionsAt(bootstrapServers, topic, from);
      Map<Integer, Long> offsets = positions.atTime();
      List<Integer> deleted = positions.deletedSince();
      if (!deleted.isEmpty()) {
        String loss = "The topic no longer has all the ticks this restart must read: in partition(s) " + deleted
            + " of " + topic + " the earliest tick left is stamped at or after " + EventTimes.format(from)
            + ", where the windows not final yet begin, and the records before it were deleted (the topic's "
            + "retention.ms or retention.bytes, or by hand). Ticks of those windows may be lost, and they would "
            + "become final without them";
        if (deletedTicks == ReadTicks.DeletedTicks.FAIL) {
          throw new UncheckedIOException(new TicksDeletedException(loss + ", so the pipeline does not start. Keep "
              + "ticks longer than the pipeline can be away (retention.ms), or accept the loss and start from the "
              + "earliest tick left with --deletedTicks=skip."));
        }
        LOG.warn("{} (--deletedTicks=skip: starting from the earliest tick left).", loss);
      }
      return new ResumePoint(offsets, through, "every window of " + table + " ending by "
          + EventTimes.format(through) + " is final and stays as it is; reading " + topic + " from "
          + EventTimes.format(from) + " on (" + describe(topic, offsets) + ")");
    }
    if (startFrom.equals(EARLIEST)) {
      return earliest("--startFrom=earliest: reading " + topic + " from its earliest offsets");
    }
    long from = java.time.Instant.parse(startFrom).toEpochMilli();
    Map<Integer, Long> offsets = offsetsAt(bootstrapServers, topic, from);
    return new ResumePoint(offsets, NONE, "--startFrom=" + startFrom + ": reading " + topic + " from "
        + EventTimes.format(from) + " on (" + describe(topic, offsets) + ")");
  }

  private static String describe(String topic, Map<Integer, Long> offsets) {
    return new TreeMap<>(offsets).entrySet().stream()
        .map(e -> topic + "/" + e.getKey() + "@" + e.getValue())
        .collect(Collectors.joining(", "));
  }

  /** Per partition, the first offset stamped at or after {@code time}, else the end offset. */
  static Map<Integer, Long> offsetsAt(String bootstrapServers, String topic, long time) {
    return positionsAt(bootstrapServers, topic, time).atTime();
  }

  /**
   * Per partition number: the first offset stamped at or after a time (else the end offset), the
   * earliest offset the broker still has, and the end offset.
   */
  record Positions(Map<Integer, Long> atTime, Map<Integer, Long> earliest, Map<Integer, Long> end) {
    /**
     * The partitions whose records before the time may have been deleted: some records were
     * deleted (the earliest offset is not 0), and the earliest left is already at or after the
     * time, so the records just before it, gone, may have been too. A partition emptied whole
     * cannot say and is left out.
     */
    List<Integer> deletedSince() {
      List<Integer> partitions = new ArrayList<>();
      for (Map.Entry<Integer, Long> e : new TreeMap<>(earliest).entrySet()) {
        long first = e.getValue();
        if (first > 0 && first < end.get(e.getKey()) && atTime.get(e.getKey()) == first) {
          partitions.add(e.getKey());
        }
      }
      return partitions;
    }
  }

  private static Positions positionsAt(String bootstrapServers, String topic, long time) {
    try (Admin admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_SECONDS * 1000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_SECONDS * 1000))) {
      List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames()
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic).partitions().stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      Map<TopicPartition, OffsetSpec> atTime = new HashMap<>();
      Map<TopicPartition, OffsetSpec> atEnd = new HashMap<>();
      Map<TopicPartition, OffsetSpec> atStart = new HashMap<>();
      for (TopicPartition tp : partitions) {
        atTime.put(tp, OffsetSpec.forTimestamp(time));
        atEnd.put(tp, OffsetSpec.latest());
        atStart.put(tp, OffsetSpec.earliest());
      }
      Map<TopicPartition, ListOffsetsResultInfo> byTime =
          admin.listOffsets(atTime).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      Map<TopicPartition, ListOffsetsResultInfo> ends =
          admin.listOffsets(atEnd).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      Map<TopicPartition, ListOffsetsResultInfo> starts =
          admin.listOffsets(atStart).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      Map<Integer, Long> offsets = new HashMap<>();
      Map<Integer, Long> earliest = new HashMap<>();
      Map<Integer, Long> end = new HashMap<>();
      for (TopicPartition tp : partitions) {
        long offset = byTime.get(tp).offset();
        // No record stamped at or after the time: start after the last one.
        offsets.put(tp.partition(), offset >= 0 ? offset : ends.get(tp).offset());
        earliest.put(tp.partition(), starts.get(tp).offset());
        end.put(tp.partition(), ends.get(tp).offset());
      }
      return new Positions(offsets, earliest, end);
    } catch (ExecutionException | TimeoutException e) {
      throw new ServiceUnavailableException("Kafka at " + bootstrapServers + " did not give the "
          + "offsets of " + topic + " to resume from within " + TIMEOUT_SECONDS + " s ("
          + (e.getCause() == null ? e : e.getCause()).getMessage() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceUnavailableException("interrupted while reading the offsets of " + topic);
    }
  }
}
