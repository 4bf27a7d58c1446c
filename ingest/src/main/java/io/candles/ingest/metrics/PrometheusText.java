package io.candles.ingest.metrics;

import io.candles.ingest.kafka.PublisherStats;
import io.candles.ingest.transport.ConnectionState;
import io.candles.ingest.transport.ConnectionStats;
import java.util.Locale;
import java.util.Map;

/** Renders {@code GET /metrics} in the Prometheus text exposition format (version 0.0.4). */
public final class PrometheusText {
  /** The Content-Type of the format. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final StringBuilder sb = new StringBuilder(4096);

  private PrometheusText() {}

  public static String render(IngestSnapshot s) {
    PrometheusText p = new PrometheusText();
    p.family("ingest_running", "gauge", "1 while the flow is started, 0 when stopped");
    p.sample("ingest_running", "running".equals(s.state()) ? 1 : 0);
    p.family("ingest_uptime_seconds", "gauge", "seconds since the ingester was created");
    p.sample("ingest_uptime_seconds", s.uptimeMillis() / 1000.0);

    p.family("ingest_ticks_total", "counter", "tick records handed to the Kafka buffer, per pair");
    for (IngestSnapshot.PairView v : s.pairs()) {
      p.sample("ingest_ticks_total", v.ticks(), "pair", v.pair(), "connection", v.connection());
    }
    p.family("ingest_ticks_per_second", "gauge", "ticks per second over the last 10 s, per pair");
    for (IngestSnapshot.PairView v : s.pairs()) {
      p.sample("ingest_ticks_per_second", v.ticksPerSecond(), "pair", v.pair());
    }
    p.family("ingest_last_tick_age_seconds", "gauge", "seconds since the pair's last tick (-1: none yet)");
    for (IngestSnapshot.PairView v : s.pairs()) {
      p.sample("ingest_last_tick_age_seconds", v.lastTickAgeMillis() < 0 ? -1 : v.lastTickAgeMillis() / 1000.0,
          "pair", v.pair());
    }
    p.family("ingest_rejects_total", "counter", "messages sent to the dead-letter topic, by pair and reason"
        + " (pair=\"\" when it could not be read or is not configured)");
    for (IngestSnapshot.PairView v : s.pairs()) {
      for (Map.Entry<String, Long> e : v.rejects().entrySet()) {
        p.sample("ingest_rejects_total", e.getValue(), "pair", v.pair(), "reason", e.getKey());
      }
    }
    for (Map.Entry<String, Long> e : s.unattributedRejects().entrySet()) {
      p.sample("ingest_rejects_total", e.getValue(), "pair", "", "reason", e.getKey());
    }
    p.family("ingest_price_jumps_total", "counter", "mid price jumps flagged, per pair");
    for (IngestSnapshot.PairView v : s.pairs()) {
      p.sample("ingest_price_jumps_total", v.priceJumps(), "pair", v.pair());
    }
    p.family("ingest_overlap_duplicates_total", "counter",
        "updates seen twice during a connection rollover and produced once, per pair");
    for (IngestSnapshot.PairView v : s.pairs()) {
      p.sample("ingest_overlap_duplicates_total", v.overlapDuplicates(), "pair", v.pair());
    }

    p.family("ingest_connection_state", "gauge", "1 for the connection's current state");
    for (ConnectionStats c : s.connections()) {
      for (ConnectionState st : ConnectionState.values()) {
        p.sample("ingest_connection_state", c.state() == st ? 1 : 0, "connection", c.name(), "state", st.label());
      }
    }
    p.family("ingest_connection_frames_total", "counter", "WebSocket text frames received");
    for (ConnectionStats c : s.connections()) {
      p.sample("ingest_connection_frames_total", c.frames(), "connection", c.name());
    }
    p.family("ingest_connection_gaps_total", "counter", "gaps: a lost session until data flowed again");
    for (ConnectionStats c : s.connections()) {
      p.sample("ingest_connection_gaps_total", c.gaps(), "connection", c.name());
    }
    p.family("ingest_connection_gap_seconds_total", "counter", "total length of the gaps");
    for (ConnectionStats c : s.connections()) {
      p.sample("ingest_connection_gap_seconds_total", c.gapMillisTotal() / 1000.0, "connection", c.name());
    }
    p.family("ingest_connection_reconnects_total", "counter", "reconnects after a lost session");
    for (ConnectionStats c : s.connections()) {
      p.sample("ingest_connection_reconnects_total", c.reconnects(), "connection", c.name());
    }
    p.family("ingest_connection_rollovers_total", "counter", "planned make-before-break session replacements");
    for (ConnectionStats c : s.connections()) {
      p.sample("ingest_connection_rollovers_total", c.rollovers(), "connection", c.name());
    }
    p.family("ingest_connection_last_frame_age_seconds", "gauge", "seconds since the last frame (-1: none yet)");
    for (ConnectionStats c : s.connections()) {
      p.sample("ingest_connection_last_frame_age_seconds",
          c.lastFrameAgeMillis() < 0 ? -1 : c.lastFrameAgeMillis() / 1000.0, "connection", c.name());
    }

    PublisherStats k = s.kafka();
    p.family("ingest_kafka_queue_depth", "gauge", "records waiting in the bounded buffer");
    p.sample("ingest_kafka_queue_depth", k.queueDepth());
    p.family("ingest_kafka_queue_capacity", "gauge", "size of the bounded buffer");
    p.sample("ingest_kafka_queue_capacity", k.queueCapacity());
    p.family("ingest_kafka_queue_full_waits_total", "counter", "times a socket reader waited for room (block policy)");
    p.sample("ingest_kafka_queue_full_waits_total", k.queueFullWaits());
    p.family("ingest_kafka_queue_full_wait_seconds_total", "counter", "time socket readers spent waiting for room");
    p.sample("ingest_kafka_queue_full_wait_seconds_total", k.queueFullWaitMillis() / 1000.0);
    p.family("ingest_kafka_in_flight", "gauge", "records handed to the producer, not yet acknowledged");
    p.sample("ingest_kafka_in_flight", k.inFlight());
    p.family("ingest_kafka_acked_total", "counter", "records acknowledged by the broker (acks=all)");
    p.sample("ingest_kafka_acked_total", k.ticksAcked(), "topic", s.topic());
    p.sample("ingest_kafka_acked_total", k.deadLettersAcked(), "topic", s.dlqTopic());
    p.family("ingest_kafka_failed_total", "counter", "records the producer gave up on (lost)");
    p.sample("ingest_kafka_failed_total", k.ticksFailed(), "topic", s.topic());
    p.sample("ingest_kafka_failed_total", k.deadLettersFailed(), "topic", s.dlqTopic());
    p.family("ingest_kafka_send_retries_total", "counter", "times the producer refused a record and it was offered again");
    p.sample("ingest_kafka_send_retries_total", k.sendRetries());
    p.family("ingest_kafka_lost_at_shutdown_total", "counter", "records still buffered when the shutdown timeout ran out");
    p.sample("ingest_kafka_lost_at_shutdown_total", k.lostAtShutdown());
    p.family("ingest_kafka_unacked_seconds", "gauge", "how long records have waited without any acknowledgement");
    p.sample("ingest_kafka_unacked_seconds", k.oldestUnackedMillis() / 1000.0);

    p.family("ingest_exchange_errors_total", "counter", "error replies from the exchange");
    p.sample("ingest_exchange_errors_total", s.exchangeErrors());
    p.family("ingest_refused_while_stopping_total", "counter", "frames that arrived while a stop was in progress");
    p.sample("ingest_refused_while_stopping_total", s.refusedWhileStopped());
    p.family("ingest_late_frames_total", "counter",
        "frames of a replaced session that arrived after its replacement opened (dropped: out of order)");
    p.sample("ingest_late_frames_total", s.lateFrames());
    p.family("ingest_lost_interrupted_total", "counter", "records lost to an interrupted reader at teardown");
    p.sample("ingest_lost_interrupted_total", s.lostInterrupted());
    p.family("ingest_update_id_sequence_restarts_total", "counter",
        "pairs whose update id sequence restarted after a reconnect (taken after 20 in order below the last)");
    p.sample("ingest_update_id_sequence_restarts_total", s.sequenceRestarts());
    return p.sb.toString();
  }

  private void family(String name, String type, String help) {
    sb.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
    sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private void sample(String name, double value, String... labels) {
    sb.append(name);
    if (labels.length > 0) {
      sb.append('{');
      for (int i = 0; i < labels.length; i += 2) {
        sb.append(i == 0 ? "" : ",").append(labels[i]).append("=\"");
        escapeLabel(labels[i + 1]);
        sb.append('"');
      }
      sb.append('}');
    }
    sb.append(' ');
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      sb.append((long) value);
    } else {
      sb.append(String.format(Locale.ROOT, "%.3f", value));
    }
    sb.append('\n');
  }

  private void escapeLabel(String v) {
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      switch (c) {
        case '\\': sb.append("\\\\"); break;
        case '"': sb.append("\\\""); break;
        case '\n': sb.append("\\n"); break;
        default: sb.append(c);
      }
    }
  }
}
