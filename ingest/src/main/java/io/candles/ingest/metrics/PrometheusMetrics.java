package io.candles.ingest.metrics;

import io.candles.ingest.kafka.PublisherStats;
import io.candles.ingest.transport.ConnectionState;
import io.candles.ingest.transport.ConnectionStats;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code GET /metrics}: one {@link IngestSnapshot} as the Prometheus Java client's metric
 * snapshots, written in its text exposition format. The values are read from the snapshot at
 * scrape time, so nothing is counted twice; a counter's name gets its {@code _total} from the
 * format.
 */
public final class PrometheusMetrics {
  private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();

  /** The Content-Type of the format. */
  public static final String CONTENT_TYPE = WRITER.getContentType();

  private final MetricSnapshots.Builder out = MetricSnapshots.builder();

  private PrometheusMetrics() {}

  /** The metrics of {@code s}. */
  public static MetricSnapshots of(IngestSnapshot s) {
    PrometheusMetrics p = new PrometheusMetrics();
    p.gauge("ingest_running", "1 while the flow is started, 0 when stopped")
        .add("running".equals(s.state()) ? 1 : 0).done();
    p.gauge("ingest_uptime_seconds", "seconds since the ingester was created").add(s.uptimeMillis() / 1000.0).done();

    Family ticks = p.counter("ingest_ticks", "tick records handed to the Kafka buffer, per pair");
    Family rate = p.gauge("ingest_ticks_per_second", "ticks per second over the last 10 s, per pair");
    Family age = p.gauge("ingest_last_tick_age_seconds", "seconds since the pair's last tick (-1: none yet)");
    Family rejects = p.counter("ingest_rejects", "messages sent to the dead-letter topic, by pair and reason"
        + " (pair=\"\" when it could not be read or is not configured)");
    Family jumps = p.counter("ingest_price_jumps", "mid price jumps flagged, per pair");
    Family overlaps = p.counter("ingest_overlap_duplicates",
        "updates seen twice during a connection rollover and produced once, per pair");
    Family gapRecords = p.counter("ingest_gap_records",
        "gap records (pieces of a gap, every cause) handed to the Kafka buffer, per pair");
    Family gapRecordSeconds = p.counter("ingest_gap_record_seconds", "total length of those gap records, per pair");
    for (IngestSnapshot.PairView v : s.pairs()) {
      ticks.add(v.ticks(), "pair", v.pair(), "connection", v.connection());
      rate.add(v.ticksPerSecond(), "pair", v.pair());
      age.add(seconds(v.lastTickAgeMillis()), "pair", v.pair());
      for (Map.Entry<String, Long> e : v.rejects().entrySet()) {
        rejects.add(e.getValue(), "pair", v.pair(), "reason", e.getKey());
      }
      jumps.add(v.priceJumps(), "pair", v.pair());
      overlaps.add(v.overlapDuplicates(), "pair", v.pair());
      gapRecords.add(v.gapRecords(), "pair", v.pair());
      gapRecordSeconds.add(v.gapRecordMillis() / 1000.0, "pair", v.pair());
    }
    for (Map.Entry<String, Long> e : s.unattributedRejects().entrySet()) {
      rejects.add(e.getValue(), "pair", "", "reason", e.getKey());
    }
    ticks.done();
    rate.done();
    age.done();
    rejects.done();
    jumps.done();
    overlaps.done();
    gapRecords.done();
    gapRecordSeconds.done();

    Family state = p.gauge("ingest_connection_state", "1 for the connection's current state");
    Family frames = p.counter("ingest_connection_frames", "WebSocket text frames received");
    Family gaps = p.counter("ingest_connection_gaps", "gaps: a lost session until data flowed again");
    Family gapSeconds = p.counter("ingest_connection_gap_seconds", "total length of the gaps");
    Family reconnects = p.counter("ingest_connection_reconnects", "reconnects after a lost session");
    Family rollovers = p.counter("ingest_connection_rollovers", "planned make-before-break session replacements");
    Family frameAge = p.gauge("ingest_connection_last_frame_age_seconds", "seconds since the last frame (-1: none yet)");
    for (ConnectionStats c : s.connections()) {
      for (ConnectionState st : ConnectionState.values()) {
        state.add(c.state() == st ? 1 : 0, "connection", c.name(), "state", st.label());
      }
      frames.add(c.frames(), "connection", c.name());
      gaps.add(c.gaps(), "connection", c.name());
      gapSeconds.add(c.gapMillisTotal() / 1000.0, "connection", c.name());
      reconnects.add(c.reconnects(), "connection", c.name());
      rollovers.add(c.rollovers(), "connection", c.name());
      frameAge.add(seconds(c.lastFrameAgeMillis()), "connection", c.name());
    }
    state.done();
    frames.done();
    gaps.done();
    gapSeconds.done();
    reconnects.done();
    rollovers.done();
    frameAge.done();

    PublisherStats k = s.kafka();
    p.gauge("ingest_kafka_queue_depth", "records waiting in the bounded buffer").add(k.queueDepth()).done();
    p.gauge("ingest_kafka_queue_capacity", "size of the bounded buffer").add(k.queueCapacity()).done();
    p.counter("ingest_kafka_queue_full_waits", "times a socket reader waited for room (block policy)")
        .add(k.queueFullWaits()).done();
    p.counter("ingest_kafka_queue_full_wait_seconds", "time socket readers spent waiting for room")
        .add(k.queueFullWaitMillis() / 1000.0).done();
    p.gauge("ingest_kafka_in_flight", "records handed to the producer, not yet acknowledged").add(k.inFlight()).done();
    p.counter("ingest_kafka_acked", "records acknowledged by the broker (acks=all)")
        .add(k.ticksAcked(), "topic", s.topic()).add(k.deadLettersAcked(), "topic", s.dlqTopic()).done();
    p.counter("ingest_kafka_failed", "records the producer gave up on (lost)")
        .add(k.ticksFailed(), "topic", s.topic()).add(k.deadLettersFailed(), "topic", s.dlqTopic()).done();
    p.counter("ingest_kafka_gap_records_acked", "gap records acknowledged by the broker (acks=all)")
        .add(k.gapsAcked(), "topic", s.topic()).done();
    p.counter("ingest_kafka_gap_records_failed", "gap records the producer gave up on (lost)")
        .add(k.gapsFailed(), "topic", s.topic()).done();
    p.counter("ingest_kafka_send_retries", "times the producer refused a record and it was offered again")
        .add(k.sendRetries()).done();
    p.counter("ingest_kafka_lost_at_shutdown", "records still buffered when the shutdown timeout ran out")
        .add(k.lostAtShutdown()).done();
    p.gauge("ingest_kafka_unacked_seconds", "how long records have waited without any acknowledgement")
        .add(k.oldestUnackedMillis() / 1000.0).done();

    p.counter("ingest_exchange_errors", "error replies from the exchange").add(s.exchangeErrors()).done();
    p.counter("ingest_refused_while_stopping", "frames that arrived while a stop was in progress")
        .add(s.refusedWhileStopped()).done();
    p.counter("ingest_late_frames",
        "frames of a replaced session that arrived after its replacement opened (dropped: out of order)")
        .add(s.lateFrames()).done();
    p.counter("ingest_lost_interrupted", "records lost to an interrupted reader at teardown")
        .add(s.lostInterrupted()).done();
    p.counter("ingest_update_id_sequence_restarts",
        "pairs whose update id sequence restarted after a reconnect (taken after 20 in order below the last)")
        .add(s.sequenceRestarts()).done();
    return p.out.build();
  }

  /** The text format of {@code s}'s metrics. */
  public static String render(IngestSnapshot s) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(8192);
    try {
      WRITER.write(bytes, of(s));
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static double seconds(long millis) {
    return millis < 0 ? -1 : millis / 1000.0;
  }

  private Family counter(String name, String help) {
    return new Family(name, help, true);
  }

  private Family gauge(String name, String help) {
    return new Family(name, help, false);
  }

  /** One metric's data points, added to the output when done. */
  private final class Family {
    private final CounterSnapshot.Builder counter;
    private final GaugeSnapshot.Builder gauge;

    Family(String name, String help, boolean isCounter) {
      counter = isCounter ? CounterSnapshot.builder().name(name).help(help) : null;
      gauge = isCounter ? null : GaugeSnapshot.builder().name(name).help(help);
    }

    Family add(double value, String... labels) {
      if (counter != null) {
        counter.dataPoint(CounterDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build());
      } else {
        gauge.dataPoint(GaugeDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build());
      }
      return this;
    }

    void done() {
      out.metricSnapshot(counter != null ? counter.build() : gauge.build());
    }
  }
}
