package io.candles.ingest.metrics;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.candles.ingest.http.JsonBody;
import io.candles.ingest.kafka.PublisherStats;
import io.candles.ingest.transport.ConnectionStats;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

/** Renders {@code GET /status} (Jackson). */
public final class StatusJson {
  private StatusJson() {}

  public static String render(IngestSnapshot s) {
    ObjectNode root = JsonBody.object()
        .put("state", s.state())
        .put("exchange", s.exchange())
        .put("uptime_seconds", s.uptimeMillis() / 1000);
    PublisherStats k = s.kafka();
    root.putObject("kafka")
        .put("bootstrap_servers", s.bootstrapServers())
        .put("topic", s.topic())
        .put("dlq_topic", s.dlqTopic())
        .put("queue_depth", k.queueDepth())
        .put("queue_capacity", k.queueCapacity())
        .put("queue_full_waits", k.queueFullWaits())
        .put("queue_full_wait_ms", k.queueFullWaitMillis())
        .put("in_flight", k.inFlight())
        .put("ticks_acked", k.ticksAcked())
        .put("dead_letters_acked", k.deadLettersAcked())
        .put("ticks_failed", k.ticksFailed())
        .put("dead_letters_failed", k.deadLettersFailed())
        .put("gap_records_acked", k.gapsAcked())
        .put("gap_records_failed", k.gapsFailed())
        .put("send_retries", k.sendRetries())
        .put("lost_at_shutdown", k.lostAtShutdown())
        .put("unacked_for_ms", k.oldestUnackedMillis());
    var connections = root.putArray("connections");
    for (ConnectionStats c : s.connections()) {
      double rate = 0;
      int pairs = 0;
      for (IngestSnapshot.PairView p : s.pairs()) {
        if (p.connection().equals(c.name())) {
          rate += p.ticksPerSecond();
          pairs++;
        }
      }
      connections.addObject()
          .put("name", c.name())
          .put("uri", c.uri())
          .put("state", c.state().label())
          .put("pairs", pairs)
          .put("ticks_per_second", rate(rate))
          .put("frames", c.frames())
          .put("last_frame_age_ms", c.lastFrameAgeMillis())
          .put("last_inbound_age_ms", c.lastInboundAgeMillis())
          .put("session_age_ms", c.sessionAgeMillis())
          .put("gaps", c.gaps())
          .put("gap_ms_total", c.gapMillisTotal())
          .put("last_gap_ms", c.lastGapMillis())
          .put("current_gap_ms", c.currentGapMillis())
          .put("reconnects", c.reconnects())
          .put("rollovers", c.rollovers())
          .put("stale_frames", c.staleFrames())
          .put("down_for_ms", c.downForMillis());
    }
    ObjectNode pairs = root.putObject("pairs");
    for (IngestSnapshot.PairView p : s.pairs()) {
      ObjectNode pair = pairs.putObject(p.pair())
          .put("connection", p.connection())
          .put("state", p.state())
          .put("ticks", p.ticks())
          .put("ticks_per_second", rate(p.ticksPerSecond()))
          .put("last_tick_age_ms", p.lastTickAgeMillis())
          .put("gaps", p.gaps())
          .put("gap_ms_total", p.gapMillisTotal())
          .put("gap_records", p.gapRecords())
          .put("gap_record_ms", p.gapRecordMillis());
      if (p.lastUpdateId() == Long.MIN_VALUE) {
        pair.putNull("last_update_id");
      } else {
        pair.put("last_update_id", p.lastUpdateId());
      }
      pair.put("price_jumps", p.priceJumps()).put("overlap_duplicates", p.overlapDuplicates());
      counts(pair.putObject("rejects"), p.rejects());
    }
    counts(root.putObject("rejects"), s.rejectsByReason());
    counts(root.putObject("rejects_without_pair"), s.unattributedRejects());
    root.put("exchange_errors", s.exchangeErrors())
        .put("control_messages", s.controlMessages())
        .put("refused_while_stopping", s.refusedWhileStopped())
        .put("late_frames_dropped", s.lateFrames())
        .put("lost_interrupted", s.lostInterrupted())
        .put("update_id_sequence_restarts", s.sequenceRestarts());
    return JsonBody.write(root);
  }

  private static void counts(ObjectNode into, Map<String, Long> m) {
    m.forEach(into::put);
  }

  /** A rate with two decimals; rates are statistics, not prices, so a double is fine here. */
  static BigDecimal rate(double r) {
    return BigDecimal.valueOf(r).setScale(2, RoundingMode.HALF_UP);
  }
}
