package io.candles.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.Test;

/**
 * End to end on the DirectRunner against a real Kafka broker and a real PostgreSQL: thousands of
 * ticks over several pairs and more than twelve minutes of event time, with ties, disorder and
 * malformed records. When the pipeline has caught up, the whole candle table must equal the
 * candles computed here by a plain reference from the same records, independent of the
 * pipeline's classes (BigDecimal and java.time, no contract code), every row must be final, the
 * malformed records must be in the dead-letter topic with their reasons, and the traders' queries
 * must return what the reference says.
 */
public class CandlePipelineIT {

  private static final String TOPIC = "ticks-e2e";
  private static final String DLQ = "ticks-e2e-dlq";
  private static final String TABLE = "candle_stick_five_min";
  private static final List<String> PAIRS = List.of("BTCUSDT", "ETHUSDT", "SOLUSDT");
  private static final double[] START_PRICES = {58000, 3000, 150};
  /** More partitions than pairs: at least one stays empty, and must not hold the watermark. */
  private static final int PARTITIONS = 4;
  private static final long MINUTE = 60_000L;
  private static final long WINDOW = 5 * MINUTE;

  /** A valid tick as the test generated it. */
  record Sent(String pair, BigDecimal bid, BigDecimal ask, long eventTime, int partition, long offset) {
    BigDecimal mid() {
      return bid.add(ask).divide(BigDecimal.valueOf(2));
    }
  }

  /** One expected row. */
  record Row(String pair, long openTime, long closeTime, BigDecimal open, BigDecimal high,
      BigDecimal low, BigDecimal close, long count, long lastEventTime, boolean isFinal) {
    @Override
    public String toString() {
      return pair + " " + Instant.ofEpochMilli(openTime) + " O=" + open.toPlainString() + " H="
          + high.toPlainString() + " L=" + low.toPlainString() + " C=" + close.toPlainString()
          + " n=" + count + " last=" + Instant.ofEpochMilli(lastEventTime)
          + (isFinal ? " final" : " early");
    }
  }

  @Test
  public void tableEqualsAnIndependentReferenceOnceCaughtUp() throws Exception {
    String bootstrap = TestServices.kafka().bootstrapServers();
    JdbcSettings jdbc = TestServices.jdbc();
    createTopics(bootstrap);

    // 12.5 minutes of event time, ending well before now, so every window has ended by the time
    // the pipeline catches up and the idle partitions let the watermark pass it.
    long base = (System.currentTimeMillis() / MINUTE) * MINUTE - 20 * MINUTE;
    Generated g = generate(base, base + 12 * MINUTE + 30_000, new SplittableRandom(20211014));
    List<Sent> sent = new ArrayList<>();
    Map<String, String> expectedDeadLetters = new HashMap<>(); // "partition@offset" -> reason
    produce(bootstrap, g, sent, expectedDeadLetters);
    assertThat(sent.size(), greaterThanOrEqualTo(4000));
    assertThat(expectedDeadLetters.size(), greaterThanOrEqualTo(40));

    List<Row> expected = reference(sent);

    CandleOptions options = PipelineOptionsFactory.create().as(CandleOptions.class);
    options.setBootstrapServers(bootstrap);
    options.setTopic(TOPIC);
    options.setDlqTopic(DLQ);
    options.setJdbcUrl(jdbc.url());
    options.setJdbcUser(jdbc.user());
    options.setJdbcPassword(jdbc.password());
    options.as(DirectOptions.class).setBlockOnRun(false);
    Preflight.kafka(bootstrap, TOPIC, PARTITIONS, DLQ);
    Preflight.database(jdbc, TABLE, CandleWindowing.DEFAULT);
    Pipeline p = CandlePipeline.create(options);
    PipelineResult result = p.run();
    try {
      List<Row> actual = List.of();
      long deadline = System.nanoTime() + 240_000_000_000L;
      while (System.nanoTime() < deadline) {
        actual = readTable(jdbc);
        if (actual.equals(expected)) {
          break;
        }
        if (result.getState().isTerminal()) {
          // Failed (or stopped): its error, not four minutes of an empty table.
          result.waitUntilFinish();
          throw new AssertionError("the pipeline stopped: " + result.getState());
        }
        Thread.sleep(2000);
      }
      assertTableEquals(expected, actual);
      // And the table soon says how far it is final: the last window's end, for the next restart.
      java.util.Optional<Long> lastEnd =
          java.util.Optional.of(expected.stream().mapToLong(Row::closeTime).max().orElseThrow());
      java.util.Optional<Long> through = java.util.Optional.empty();
      for (int i = 0; i < 60 && !lastEnd.equals(through); i++) {
        try (java.sql.Connection c = jdbc.connect(10)) {
          through = CandleSchema.finalThrough(c, TABLE);
        }
        Thread.sleep(500);
      }
      assertEquals(lastEnd, through);

      assertDeadLetters(bootstrap, expectedDeadLetters);
      assertRejectionCounters(result, expectedDeadLetters);
      assertQueries(jdbc, expected);
    } finally {
      result.cancel();
    }
  }

  // ---------------------------------------------------------------- the records

  /** What to produce, in order: valid ticks and malformed records, each with its key. */
  record Generated(List<String[]> records, List<Object> meaning) {}

  /**
   * One global clock; each step picks a pair and moves the clock by 0 to 300 ms (0 gives ties,
   * within and across pairs); one tick in ten is stamped up to 1.5 s in the past (disorder,
   * within the 2 s out-of-orderness, so none is late); one record in 80 is malformed.
   */
  private static Generated generate(long from, long to, SplittableRandom random) {
    List<String[]> records = new ArrayList<>();
    List<Object> meaning = new ArrayList<>();
    BigDecimal[] mids = new BigDecimal[PAIRS.size()];
    for (int i = 0; i < mids.length; i++) {
      mids[i] = BigDecimal.valueOf(START_PRICES[i]).setScale(2, RoundingMode.UNNECESSARY);
    }
    long clock = from;
    int previousPair = 0;
    while (clock < to) {
      int pair = random.nextInt(10) < 2 ? previousPair : random.nextInt(PAIRS.size());
      previousPair = pair;
      clock += random.nextInt(4) == 0 ? 0 : random.nextInt(301);
      long eventTime = random.nextInt(10) == 0 ? clock - 1 - random.nextInt(1500) : clock;
      String key = PAIRS.get(pair);
      if (random.nextInt(80) == 0) {
        String[] bad = malformed(key, eventTime, random.nextInt(7));
        records.add(new String[] {key, bad[0], Long.toString(eventTime)});
        meaning.add(bad[1]);
        continue;
      }
      // A random walk of the mid in cents, and a spread of 1 to 5 cents around it.
      mids[pair] = mids[pair].add(BigDecimal.valueOf(random.nextInt(21) - 10, 2));
      BigDecimal spread = BigDecimal.valueOf(1 + random.nextInt(5), 2);
      BigDecimal bid = mids[pair].subtract(spread);
      BigDecimal ask = mids[pair].add(spread);
      String value = "{\"pair\":\"" + key + "\",\"bid\":\"" + bid.toPlainString() + "\",\"ask\":\""
          + ask.toPlainString() + "\",\"event_time\":\"" + iso(eventTime, random.nextBoolean())
          + "\",\"exchange\":\"test\",\"update_id\":" + records.size() + "}";
      records.add(new String[] {key, value, Long.toString(eventTime)});
      meaning.add(new Sent(key, bid, ask, eventTime, -1, -1));
    }
    return new Generated(records, meaning);
  }

  /** Event time as ISO-8601 with Z, or in the seed's "yyyy-MM-dd HH:mm:ss.SSS" form. */
  private static String iso(long millis, boolean seedForm) {
    DateTimeFormatter f = DateTimeFormatter.ofPattern(
        seedForm ? "yyyy-MM-dd HH:mm:ss.SSS" : "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    return f.format(Instant.ofEpochMilli(millis));
  }

  /** A malformed value and the reason the contract gives for rejecting it. */
  private static String[] malformed(String pair, long eventTime, int kind) {
    String t = "\"event_time\":\"" + iso(eventTime, false) + "\"";
    switch (kind) {
      case 0: return new String[] {"{\"pair\":\"" + pair + "\",\"bid\":", "invalid_json"};
      case 1: return new String[] {"{\"pair\":\"" + pair + "\",\"ask\":\"2\"," + t + "}", "missing_field"};
      case 2: return new String[] {"{\"pair\":\"" + pair + "\",\"bid\":\"2.5\",\"ask\":\"2.4\"," + t + "}",
          "crossed_book"};
      case 3: return new String[] {"{\"pair\":\"" + pair + "\",\"bid\":\"abc\",\"ask\":\"2\"," + t + "}",
          "non_numeric_price"};
      case 4: return new String[] {"{\"pair\":\"" + pair + "\",\"bid\":\"-1\",\"ask\":\"2\"," + t + "}",
          "non_positive_price"};
      case 5: return new String[] {"{\"pair\":\"" + pair + "\",\"bid\":\"1\",\"ask\":\"2\","
          + "\"event_time\":\"yesterday\"}", "unparseable_time"};
      default: return new String[] {null, "invalid_json"}; // a tombstone: no value at all
    }
  }

  private static void createTopics(String bootstrap) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1),
          new NewTopic(DLQ, 1, (short) 1))).all().get();
    }
  }

  private static void produce(String bootstrap, Generated g, List<Sent> sent,
      Map<String, String> expectedDeadLetters) throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    List<Future<RecordMetadata>> futures = new ArrayList<>();
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      for (String[] r : g.records()) {
        // Record timestamp = event time, as the contract asks of producers.
        futures.add(producer.send(new ProducerRecord<>(TOPIC, null, Long.parseLong(r[2]), r[0], r[1])));
      }
      producer.flush();
    }
    for (int i = 0; i < futures.size(); i++) {
      RecordMetadata md = futures.get(i).get();
      Object m = g.meaning().get(i);
      if (m instanceof Sent s) {
        sent.add(new Sent(s.pair(), s.bid(), s.ask(), s.eventTime(), md.partition(), md.offset()));
      } else {
        expectedDeadLetters.put(md.partition() + "@" + md.offset(), (String) m);
      }
    }
  }

  // ---------------------------------------------------------------- the reference

  /**
   * The contract's candles, computed the plain way: each tick joins the five windows starting at
   * floor_minute(t) - k minutes; open and close are the first and last tick by (event time,
   * partition, offset); high and low the extremes; last_event_time the closing tick's event
   * time; all rows final.
   */
  private static List<Row> reference(List<Sent> ticks) {
    Map<String, List<Sent>> byWindow = new TreeMap<>();
    for (Sent s : ticks) {
      long minute = Math.floorDiv(s.eventTime(), MINUTE) * MINUTE;
      for (int k = 0; k < 5; k++) {
        String key = s.pair() + "|" + String.format("%015d", minute - k * MINUTE);
        byWindow.computeIfAbsent(key, x -> new ArrayList<>()).add(s);
      }
    }
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<String, List<Sent>> e : byWindow.entrySet()) {
      List<Sent> w = new ArrayList<>(e.getValue());
      w.sort((a, b) -> a.eventTime() != b.eventTime() ? Long.compare(a.eventTime(), b.eventTime())
          : a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition())
          : Long.compare(a.offset(), b.offset()));
      long open = Long.parseLong(e.getKey().substring(e.getKey().indexOf('|') + 1));
      BigDecimal high = w.stream().map(Sent::mid).max(BigDecimal::compareTo).get();
      BigDecimal low = w.stream().map(Sent::mid).min(BigDecimal::compareTo).get();
      rows.add(new Row(w.get(0).pair(), open, open + WINDOW, norm(w.get(0).mid()), norm(high),
          norm(low), norm(w.get(w.size() - 1).mid()), w.size(), w.get(w.size() - 1).eventTime(), true));
    }
    return rows;
  }

  private static BigDecimal norm(BigDecimal d) {
    BigDecimal s = d.stripTrailingZeros();
    return s.scale() < 0 ? s.setScale(0) : s;
  }

  private static List<Row> readTable(JdbcSettings jdbc) throws SQLException {
    try (Connection c = jdbc.connect(10)) {
      return readRows(c, "select currency_pair, open_time, close_time, open_price, high_price, "
          + "low_price, close_price, tick_count, last_event_time, is_final from " + TABLE
          + " order by currency_pair, open_time");
    }
  }

  private static List<Row> readRows(Connection c, String sql) throws SQLException {
    List<Row> rows = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        rows.add(new Row(rs.getString("currency_pair"),
            rs.getObject("open_time", java.time.LocalDateTime.class).toInstant(ZoneOffset.UTC).toEpochMilli(),
            rs.getObject("close_time", java.time.LocalDateTime.class).toInstant(ZoneOffset.UTC).toEpochMilli(),
            norm(rs.getBigDecimal("open_price")), norm(rs.getBigDecimal("high_price")),
            norm(rs.getBigDecimal("low_price")), norm(rs.getBigDecimal("close_price")),
            rs.getLong("tick_count"),
            rs.getObject("last_event_time", java.time.LocalDateTime.class).toInstant(ZoneOffset.UTC).toEpochMilli(),
            rs.getBoolean("is_final")));
      }
    }
    return rows;
  }

  private static void assertTableEquals(List<Row> expected, List<Row> actual) {
    if (expected.equals(actual)) {
      return;
    }
    Map<String, Row> e = expected.stream().collect(Collectors.toMap(r -> r.pair() + r.openTime(), r -> r));
    Map<String, Row> a = actual.stream().collect(Collectors.toMap(r -> r.pair() + r.openTime(), r -> r));
    StringBuilder diff = new StringBuilder();
    int shown = 0;
    for (Map.Entry<String, Row> x : e.entrySet()) {
      Row got = a.get(x.getKey());
      if (!x.getValue().equals(got) && shown++ < 15) {
        diff.append("\n  expected ").append(x.getValue()).append("\n  actual   ").append(got);
      }
    }
    for (String k : a.keySet()) {
      if (!e.containsKey(k) && shown++ < 20) {
        diff.append("\n  unexpected ").append(a.get(k));
      }
    }
    throw new AssertionError("candle table (" + actual.size() + " rows) differs from the reference ("
        + expected.size() + " rows):" + diff);
  }

  // ---------------------------------------------------------------- dead letters and metrics

  private static final Pattern REASON = Pattern.compile("\"reason\":\"([a-z_]+)\"");
  private static final Pattern SOURCE = Pattern.compile("\"source\":\"" + TOPIC + "/(\\d+)@(\\d+)\"");

  private static void assertDeadLetters(String bootstrap, Map<String, String> expected) {
    Map<String, String> actual = new HashMap<>();
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "e2e-dlq-check");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(DLQ));
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (actual.size() < expected.size() && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(java.time.Duration.ofMillis(500))) {
          Matcher reason = REASON.matcher(r.value());
          Matcher source = SOURCE.matcher(r.value());
          assertTrue("dead letter without reason: " + r.value(), reason.find());
          assertTrue("dead letter without source: " + r.value(), source.find());
          assertTrue("dead letter without raw value: " + r.value(), r.value().contains("\"raw\":"));
          actual.put(source.group(1) + "@" + source.group(2), reason.group(1));
        }
      }
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
      if (c.getName().getNamespace().equals(ParseTicks.METRICS_NAMESPACE)
          && c.getName().getName().startsWith("rejected_") && c.getAttempted() > 0) {
        got.merge(c.getName().getName(), c.getAttempted(), Long::sum);
      }
    }
    assertEquals(want, got);
  }

  // ---------------------------------------------------------------- the traders' queries

  private static void assertQueries(JdbcSettings jdbc, List<Row> expected) throws IOException, SQLException {
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
    assertEquals("queries in sql/queries.sql", 2, statements.size());
    try (Connection c = jdbc.connect(10)) {
      // The seed's query, verbatim: the first 30 rows by pair and open time.
      assertEquals(expected.subList(0, 30), readRows(c, statements.get(0)));
      // The 12 most recent candles of each pair, newest first.
      List<Row> latest = new ArrayList<>();
      for (String pair : PAIRS) {
        List<Row> ofPair = expected.stream().filter(r -> r.pair().equals(pair))
            .sorted((x, y) -> Long.compare(y.openTime(), x.openTime())).limit(12)
            .collect(Collectors.toList());
        assertEquals(12, ofPair.size());
        latest.addAll(ofPair);
      }
      assertEquals(latest, readRows(c, statements.get(1)));
    }
  }
}
