package io.candles.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.candles.testkit.CandleReference;
import io.candles.testkit.CandleTable;
import io.candles.testkit.Database;
import io.candles.testkit.Services;
import io.candles.testkit.TickStream;
import io.candles.testkit.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.Test;

/**
 * End to end on the DirectRunner against a real Kafka broker and a real PostgreSQL: thousands of
 * ticks over several pairs and more than twelve minutes of event time, with ties, disorder and
 * malformed records. When the pipeline has caught up, the whole candle table must equal the
 * candles computed by testkit's plain reference from the same records, independent of the
 * pipeline's classes (BigDecimal and java.time, no contract code), every row must be final, the
 * malformed records must be in the dead-letter topic with their reasons, and the traders' queries
 * must return what the reference says.
 */
public class CandlePipelineIT {

  private static final String TOPIC = "ticks-e2e";
  private static final String DLQ = "ticks-e2e-dlq";
  private static final String TABLE = "candle_stick_five_min";
  /** More partitions than pairs: one stays empty, and must not hold the watermark. */
  private static final int PARTITIONS = 4;
  private static final long MINUTE = 60_000L;

  @Test
  public void tableEqualsAnIndependentReferenceOnceCaughtUp() throws Exception {
    String bootstrap = Services.kafka().bootstrapServers();
    Database db = Services.database();
    JdbcSettings jdbc = new JdbcSettings(db.url(), db.user(), db.password());
    Topics.create(bootstrap, TOPIC, PARTITIONS);
    Topics.create(bootstrap, DLQ, 1);

    // 12.5 minutes of event time, ending well before now, so every window has ended by the time
    // the pipeline catches up and the idle partitions let the watermark pass it. One clock moved by
    // 0 to 300 ms per record (a quarter of the steps are ties, within and across pairs), one tick in
    // ten stamped up to 1.5 s before it (disorder within the 2 s out-of-orderness, so none is
    // late), one record in 80 malformed.
    TickStream stream = new TickStream(List.of(
        TickStream.Pair.of("BTCUSDT", 0, "58000.00", "0.01"),
        TickStream.Pair.of("ETHUSDT", 1, "3000.00", "0.01"),
        TickStream.Pair.of("SOLUSDT", 2, "150.00", "0.01")), 20211014);
    long base = (System.currentTimeMillis() / MINUTE) * MINUTE - 20 * MINUTE;
    List<TickStream.Record> records =
        new ArrayList<>(stream.backlog(base, base + 12 * MINUTE + 30_000, 150, 4, 1500, 80));
    // BTCUSDT's feed had two gaps, marked as the ingester marks them: 40 s across a minute
    // boundary, and 0.7 s; one piece is written twice.
    Map<String, List<long[]>> gaps = Map.of("BTCUSDT",
        List.of(new long[] {base + 150_000, base + 190_000}, new long[] {base + 425_000, base + 425_700}));
    for (long[] gap : gaps.get("BTCUSDT")) {
      markGap(records, "BTCUSDT", 0, gap[0], gap[1]);
    }
    Topics.Produced produced = Topics.produce(bootstrap, TOPIC, records);
    List<TickStream.Sent> sent = produced.ticks();
    Map<String, String> expectedDeadLetters = produced.deadLetters(); // "partition@offset" -> reason
    assertThat(sent.size(), greaterThanOrEqualTo(4000));
    assertThat(expectedDeadLetters.size(), greaterThanOrEqualTo(40));

    List<CandleTable.Row> expected = CandleReference.withGaps(CandleReference.candles(sent), gaps);
    assertTrue("some rows carry a gap", expected.stream().anyMatch(r -> r.quality().gapMs() == 40_000));

    CandleOptions options = PipelineOptionsFactory.create().as(CandleOptions.class);
    options.setBootstrapServers(bootstrap);
    options.setTopic(TOPIC);
    options.setDlqTopic(DLQ);
    options.setJdbcUrl(jdbc.url());
    options.setJdbcUser(jdbc.user());
    options.setJdbcPassword(jdbc.password());
    options.as(DirectOptions.class).setBlockOnRun(false);
    try (Connection c = jdbc.connect(10)) {
      CandleSchema.apply(c, TABLE, CandleWindowing.DEFAULT.size(), CandleWindowing.DEFAULT.period());
    }
    Pipeline p = CandlePipeline.create(options);
    PipelineResult result = p.run();
    try {
      CandleTable.awaitEquals(db, TABLE, expected, Duration.ofSeconds(240), () -> {
        // Failed (or stopped): its error, not four minutes of an empty table.
        return "the pipeline is " + result.getState();
      });
      // And the table soon says how far it is final: the last window's end, for the next restart.
      Optional<Long> lastEnd = Optional.of(expected.stream().mapToLong(CandleTable.Row::closeTime).max().orElseThrow());
      Optional<Long> through = Optional.empty();
      for (int i = 0; i < 60 && !lastEnd.equals(through); i++) {
        try (Connection c = db.connect()) {
          through = CandleSchema.finalThrough(c, TABLE);
        }
        Thread.sleep(500);
      }
      assertEquals(lastEnd, through);

      assertDeadLetters(bootstrap, expectedDeadLetters);
      assertRejectionCounters(result, expectedDeadLetters);
      assertQueries(db, expected, stream);
    } finally {
      result.cancel();
    }
  }

  /**
   * Adds the gap {@code [start, end)} to {@code records} as the ingester writes one while it lasts:
   * in pieces of at most a second, each in the pair's partition after the records before its end,
   * the first piece twice.
   */
  private static void markGap(List<TickStream.Record> records, String pair, int partition, long start, long end) {
    for (long from = start; from < end; from += 1000) {
      long to = Math.min(from + 1000, end);
      int at = 0;
      while (at < records.size()
          && !(records.get(at).partition() == partition && records.get(at).timestamp() >= to)) {
        at++;
      }
      records.add(at, TickStream.gap(pair, partition, from, to, "reconnect"));
      if (from == start) {
        records.add(at + 1, TickStream.gap(pair, partition, from, to, "reconnect"));
      }
    }
  }

  // ---------------------------------------------------------------- dead letters and metrics

  /** Every malformed record in the dead-letter topic with its reason and raw value, and nothing else. */
  private static void assertDeadLetters(String bootstrap, Map<String, String> expected) throws InterruptedException {
    List<Topics.Letter> letters = List.of();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (letters.size() < expected.size() && System.nanoTime() < deadline) {
      letters = Topics.deadLetters(bootstrap, DLQ);
      Thread.sleep(500);
    }
    Map<String, String> actual = new HashMap<>();
    for (Topics.Letter l : letters) {
      assertTrue("dead letter without reason: " + l, l.reason() != null && l.reason().matches("[a-z_]+"));
      assertTrue("dead letter without source: " + l, l.source() != null && l.source().startsWith(TOPIC + "/"));
      actual.put(l.source().substring(TOPIC.length() + 1), l.reason());
    }
    for (ConsumerRecord<String, byte[]> r : Topics.readAll(bootstrap, DLQ)) {
      String value = new String(r.value(), StandardCharsets.UTF_8);
      assertTrue("dead letter without raw value: " + value, value.contains("\"raw\":"));
    }
    assertEquals(new TreeMap<>(expected), new TreeMap<>(actual));
  }

  private static void assertRejectionCounters(PipelineResult result, Map<String, String> expected) {
    Map<String, Long> want = new TreeMap<>();
    for (String reason : expected.values()) {
      want.merge("rejected_" + reason, 1L, Long::sum);
    }
    Map<String, Long> got = new TreeMap<>();
    for (MetricResult<Long> c : result.metrics().queryMetrics(MetricsFilter.builder().build())
        .getCounters()) {
      if (c.getName().getNamespace().equals(RouteTicks.METRICS_NAMESPACE)
          && c.getName().getName().startsWith("rejected_") && c.getAttempted() > 0) {
        got.merge(c.getName().getName(), c.getAttempted(), Long::sum);
      }
    }
    assertEquals(want, got);
  }

  // ---------------------------------------------------------------- the traders' queries

  private static void assertQueries(Database db, List<CandleTable.Row> expected, TickStream stream)
      throws IOException, SQLException {
    String file = Files.readString(Paths.get("..", "sql", "queries.sql"), StandardCharsets.UTF_8);
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : file.split("\n")) {
      if (line.trim().startsWith("--")) {
        continue;
      }
      current.append(line).append('\n');
      if (line.trim().endsWith(";")) {
        statements.add(current.toString().trim().replaceAll(";$", ""));
        current.setLength(0);
      }
    }
    assertEquals("queries in sql/queries.sql", 3, statements.size());
    // The seed's query, verbatim: the first 30 rows by pair and open time.
    assertEquals(expected.subList(0, 30), CandleTable.query(db, statements.get(0)));
    // The 12 most recent candles of each pair, newest first.
    List<CandleTable.Row> latest = new ArrayList<>();
    for (TickStream.Pair pair : stream.pairs()) {
      List<CandleTable.Row> ofPair = expected.stream().filter(r -> r.pair().equals(pair.symbol()))
          .sorted((x, y) -> Long.compare(y.openTime(), x.openTime())).limit(12)
          .collect(Collectors.toList());
      assertEquals(12, ofPair.size());
      latest.addAll(ofPair);
    }
    assertEquals(latest, CandleTable.query(db, statements.get(1)));
    // A bot's staleness check: these ticks are minutes old, so every pair's newest candle is stale.
    for (TickStream.Pair pair : stream.pairs()) {
      try (Connection c = db.connect(); java.sql.Statement st = c.createStatement();
          java.sql.ResultSet rs = st.executeQuery(statements.get(2).replace("'BTCUSDT'", "'" + pair.symbol() + "'"))) {
        assertTrue(rs.next());
        assertTrue(pair.symbol() + "'s newest candle is stale", rs.getBoolean("stale"));
        assertTrue(rs.getBoolean("stale_or_gapped"));
        assertTrue(!rs.next());
      }
    }
  }
}
