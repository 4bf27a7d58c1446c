package io.candles.ingest.metrics;

import io.candles.contract.Json;
import io.candles.ingest.kafka.PublisherStats;
import io.candles.ingest.transport.ConnectionStats;
import java.util.Locale;
import java.util.Map;

/** Renders {@code GET /status}. */
public final class StatusJson {
  private StatusJson() {}

  public static String render(IngestSnapshot s) {
    StringBuilder sb = new StringBuilder(1024);
    sb.append("{\"state\":");
    Json.appendQuoted(sb, s.state());
    sb.append(",\"exchange\":");
    Json.appendQuoted(sb, s.exchange());
    sb.append(",\"uptime_seconds\":").append(s.uptimeMillis() / 1000);
    PublisherStats k = s.kafka();
    sb.append(",\"kafka\":{\"bootstrap_servers\":");
    Json.appendQuoted(sb, s.bootstrapServers());
    sb.append(",\"topic\":");
    Json.appendQuoted(sb, s.topic());
    sb.append(",\"dlq_topic\":");
    Json.appendQuoted(sb, s.dlqTopic());
    sb.append(",\"queue_depth\":").append(k.queueDepth())
        .append(",\"queue_capacity\":").append(k.queueCapacity())
        .append(",\"queue_full_waits\":").append(k.queueFullWaits())
        .append(",\"queue_full_wait_ms\":").append(k.queueFullWaitMillis())
        .append(",\"in_flight\":").append(k.inFlight())
        .append(",\"ticks_acked\":").append(k.ticksAcked())
        .append(",\"dead_letters_acked\":").append(k.deadLettersAcked())
        .append(",\"ticks_failed\":").append(k.ticksFailed())
        .append(",\"dead_letters_failed\":").append(k.deadLettersFailed())
        .append(",\"send_retries\":").append(k.sendRetries())
        .append(",\"lost_at_shutdown\":").append(k.lostAtShutdown())
        .append(",\"unacked_for_ms\":").append(k.oldestUnackedMillis())
        .append('}');
    sb.append(",\"connections\":[");
    for (int i = 0; i < s.connections().size(); i++) {
      ConnectionStats c = s.connections().get(i);
      double rate = 0;
      int pairs = 0;
      for (IngestSnapshot.PairView p : s.pairs()) {
        if (p.connection().equals(c.name())) {
          rate += p.ticksPerSecond();
          pairs++;
        }
      }
      sb.append(i == 0 ? "" : ",").append("{\"name\":");
      Json.appendQuoted(sb, c.name());
      sb.append(",\"uri\":");
      Json.appendQuoted(sb, c.uri());
      sb.append(",\"state\":\"").append(c.state().label()).append('"')
          .append(",\"pairs\":").append(pairs)
          .append(",\"ticks_per_second\":").append(rate(rate))
          .append(",\"frames\":").append(c.frames())
          .append(",\"last_frame_age_ms\":").append(c.lastFrameAgeMillis())
          .append(",\"last_inbound_age_ms\":").append(c.lastInboundAgeMillis())
          .append(",\"session_age_ms\":").append(c.sessionAgeMillis())
          .append(",\"gaps\":").append(c.gaps())
          .append(",\"gap_ms_total\":").append(c.gapMillisTotal())
          .append(",\"last_gap_ms\":").append(c.lastGapMillis())
          .append(",\"current_gap_ms\":").append(c.currentGapMillis())
          .append(",\"reconnects\":").append(c.reconnects())
          .append(",\"rollovers\":").append(c.rollovers())
          .append(",\"stale_frames\":").append(c.staleFrames())
          .append(",\"down_for_ms\":").append(c.downForMillis())
          .append('}');
    }
    sb.append("],\"pairs\":{");
    for (int i = 0; i < s.pairs().size(); i++) {
      IngestSnapshot.PairView p = s.pairs().get(i);
      sb.append(i == 0 ? "" : ",");
      Json.appendQuoted(sb, p.pair());
      sb.append(":{\"connection\":");
      Json.appendQuoted(sb, p.connection());
      sb.append(",\"state\":\"").append(p.state()).append('"')
          .append(",\"ticks\":").append(p.ticks())
          .append(",\"ticks_per_second\":").append(rate(p.ticksPerSecond()))
          .append(",\"last_tick_age_ms\":").append(p.lastTickAgeMillis())
          .append(",\"gaps\":").append(p.gaps())
          .append(",\"gap_ms_total\":").append(p.gapMillisTotal())
          .append(",\"last_update_id\":").append(p.lastUpdateId() == Long.MIN_VALUE ? "null" : Long.toString(p.lastUpdateId()))
          .append(",\"price_jumps\":").append(p.priceJumps())
          .append(",\"overlap_duplicates\":").append(p.overlapDuplicates())
          .append(",\"rejects\":");
      counts(sb, p.rejects());
      sb.append('}');
    }
    sb.append("},\"rejects\":");
    counts(sb, s.rejectsByReason());
    sb.append(",\"rejects_without_pair\":");
    counts(sb, s.unattributedRejects());
    sb.append(",\"exchange_errors\":").append(s.exchangeErrors())
        .append(",\"control_messages\":").append(s.controlMessages())
        .append(",\"refused_while_stopping\":").append(s.refusedWhileStopped())
        .append(",\"late_frames_dropped\":").append(s.lateFrames())
        .append(",\"lost_interrupted\":").append(s.lostInterrupted())
        .append(",\"update_id_sequence_restarts\":").append(s.sequenceRestarts())
        .append('}');
    return sb.toString();
  }

  private static void counts(StringBuilder sb, Map<String, Long> m) {
    sb.append('{');
    int i = 0;
    for (Map.Entry<String, Long> e : m.entrySet()) {
      sb.append(i++ == 0 ? "" : ",");
      Json.appendQuoted(sb, e.getKey());
      sb.append(':').append(e.getValue());
    }
    sb.append('}');
  }

  /** A rate with two decimals; rates are statistics, not prices, so a double is fine here. */
  static String rate(double r) {
    return String.format(Locale.ROOT, "%.2f", r);
  }
}
