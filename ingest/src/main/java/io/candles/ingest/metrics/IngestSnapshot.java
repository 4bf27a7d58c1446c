package io.candles.ingest.metrics;

import io.candles.ingest.kafka.PublisherStats;
import io.candles.ingest.transport.ConnectionStats;
import java.util.List;
import java.util.Map;

/**
 * Everything {@code /status}, {@code /health} and {@code /metrics} show, taken at one moment.
 *
 * @param state {@code running}, {@code stopped} or {@code closed}
 * @param unattributedRejects rejects of messages without a configured pair (garbage, unknown pairs)
 * @param refusedWhileStopped frames that arrived between a stop request and their socket closing
 * @param lateFrames frames of a replaced session that reached the checks after its replacement opened
 * @param lostInterrupted records lost because a reader was interrupted at teardown
 * @param sequenceRestarts pairs whose update id sequence was found restarted after a reconnect
 */
public record IngestSnapshot(
    String state,
    String exchange,
    long uptimeMillis,
    String bootstrapServers,
    String topic,
    String dlqTopic,
    List<ConnectionStats> connections,
    List<PairView> pairs,
    Map<String, Long> unattributedRejects,
    PublisherStats kafka,
    long exchangeErrors,
    long controlMessages,
    long refusedWhileStopped,
    long lateFrames,
    long lostInterrupted,
    long sequenceRestarts) {

  /**
   * One pair's view.
   *
   * @param lastTickAgeMillis time since its last tick was produced, or -1
   * @param gaps gaps of the pair's connection (lost sessions until data flowed again)
   * @param gapMillisTotal their total length
   * @param gapRecords gap records (pieces) written for the pair, every cause
   * @param gapRecordMillis their total length in milliseconds
   * @param lastUpdateId the last produced tick's update id, or {@code Long.MIN_VALUE}
   */
  public record PairView(
      String pair,
      String connection,
      String state,
      long ticks,
      double ticksPerSecond,
      long lastTickAgeMillis,
      long gaps,
      long gapMillisTotal,
      long gapRecords,
      long gapRecordMillis,
      long lastUpdateId,
      long priceJumps,
      long overlapDuplicates,
      Map<String, Long> rejects) {}

  /** Rejects of every reason, pairs and unattributed together. */
  public Map<String, Long> rejectsByReason() {
    Map<String, Long> all = new java.util.TreeMap<>(unattributedRejects);
    for (PairView p : pairs) {
      p.rejects().forEach((k, v) -> all.merge(k, v, Long::sum));
    }
    return all;
  }
}
