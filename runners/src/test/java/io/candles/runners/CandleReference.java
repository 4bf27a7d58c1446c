package io.candles.runners;

import io.candles.pipeline.JdbcSettings;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A stream of ticks for the failure tests, produced to Kafka at a steady pace from a thread of its
 * own (so a test can break things while it flows), and the candle table it must end in, computed
 * from the records as Kafka stored them by a plain reference that uses none of the pipeline's
 * classes (BigDecimal and java.time only). Adapted from pipeline's CandlePipelineIT.
 */
final class CandleReference {

  static final List<String> PAIRS = List.of("BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT");
  private static final double[] START_PRICES = {58000, 3000, 150, 0.6};
  private static final long MINUTE = 60_000L;
  private static final long WINDOW = 5 * MINUTE;

  private CandleReference() {}

  /** A valid tick as the test generated it, with where Kafka stored it. */
  record Sent(String pair, BigDecimal bid, BigDecimal ask, long eventTime, int partition, long offset) {
    BigDecimal mid() {
      return bid.add(ask).divide(BigDecimal.valueOf(2));
    }
  }

  /** One row of the candle table. */
  record Row(String pair, long openTime, long closeTime, BigDecimal open, BigDecimal high,
      BigDecimal low, BigDecimal close, long count, boolean isFinal) {
    @Override
    public String toString() {
      return pair + " " + Instant.ofEpochMilli(openTime) + " O=" + open.toPlainString() + " H="
          + high.toPlainString() + " L=" + low.toPlainString() + " C=" + close.toPlainString()
          + " n=" + count + (isFinal ? " final" : " early");
    }
  }

  /** Records to produce in order: {key, value (null for a tombstone), event time}; a Sent for each valid one, else null. */
  record Generated(List<String[]> records, List<Sent> meaning) {}

  /**
   * Ticks over {@link #PAIRS} with event times from {@code from} to {@code to}: one clock moved by
   * 0 to 300 ms per record (0 gives ties), one tick in ten up to 1.5 s in the past (disorder within
   * the default 2 s out-of-orderness), one record in 80 malformed (rejected, never in the table).
   */
  static Generated generate(long from, long to, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<String[]> records = new ArrayList<>();
    List<Sent> meaning = new ArrayList<>();
    BigDecimal[] mids = new BigDecimal[PAIRS.size()];
    for (int i = 0; i < mids.length; i++) {
      mids[i] = BigDecimal.valueOf(START_PRICES[i]).setScale(4, RoundingMode.UNNECESSARY);
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
        String value = switch (random.nextInt(4)) {
          case 0 -> "{\"pair\":\"" + key + "\",\"bid\":";
          case 1 -> "{\"pair\":\"" + key + "\",\"bid\":\"2.5\",\"ask\":\"2.4\",\"event_time\":\"" + iso(eventTime) + "\"}";
          case 2 -> "{\"pair\":\"" + key + "\",\"bid\":\"-1\",\"ask\":\"2\",\"event_time\":\"" + iso(eventTime) + "\"}";
          default -> null;
        };
        records.add(new String[] {key, value, Long.toString(eventTime)});
        meaning.add(null);
        continue;
      }
      // A random walk of the mid, and a spread of 1 to 5 ticks around it.
      BigDecimal tick = mids[pair].compareTo(BigDecimal.TEN) < 0 ? new BigDecimal("0.0001") : new BigDecimal("0.01");
      mids[pair] = mids[pair].add(tick.multiply(BigDecimal.valueOf(random.nextInt(21) - 10)));
      BigDecimal spread = tick.multiply(BigDecimal.valueOf(1 + random.nextInt(5)));
      BigDecimal bid = mids[pair].subtract(spread);
      BigDecimal ask = mids[pair].add(spread);
      String value = "{\"pair\":\"" + key + "\",\"bid\":\"" + bid.toPlainString() + "\",\"ask\":\""
          + ask.toPlainString() + "\",\"event_time\":\"" + iso(eventTime) + "\",\"exchange\":\"test\","
          + "\"update_id\":" + records.size() + "}";
      records.add(new String[] {key, value, Long.toString(eventTime)});
      meaning.add(new Sent(key, bid, ask, eventTime, -1, -1));
    }
    return new Generated(records, meaning);
  }

  private static String iso(long millis) {
    return DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC)
        .format(Instant.ofEpochMilli(millis));
  }

  static void createTopics(String bootstrap, String topic, int partitions, String dlq) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1), new NewTopic(dlq, 1, (short) 1)))
          .all().get(30, TimeUnit.SECONDS);
    }
  }

  /**
   * Produces the records in order at a steady pace on a thread of its own (idempotent producer,
   * acks=all, record timestamp = event time as the contract asks), and records where each landed.
   */
  static final class Producer implements AutoCloseable {
    private final Generated generated;
    private final long[][] positions;
    private final AtomicInteger produced = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean stop;

    Producer(String bootstrap, String topic, Generated generated, int recordsPerSecond) {
      this.generated = generated;
      this.positions = new long[generated.records().size()][];
      this.thread = new Thread(() -> run(bootstrap, topic, recordsPerSecond), "tick-producer");
      thread.setDaemon(true);
      thread.start();
    }

    private void run(String bootstrap, String topic, int recordsPerSecond) {
      Properties props = new Properties();
      props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      props.put(ProducerConfig.ACKS_CONFIG, "all");
      props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
        long start = System.nanoTime();
        List<String[]> records = generated.records();
        for (int i = 0; i < records.size() && !stop; i++) {
          // Pacing a stream: record i goes out i/rate seconds after the start.
          long due = start + i * 1_000_000_000L / recordsPerSecond;
          long wait = due - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
          String[] r = records.get(i);
          int index = i;
          producer.send(new ProducerRecord<>(topic, null, Long.parseLong(r[2]), r[0], r[1]), (md, e) -> {
            if (e != null) {
              failure.compareAndSet(null, e);
            } else {
              positions[index] = new long[] {md.partition(), md.offset()};
              produced.incrementAndGet();
            }
          });
        }
        producer.flush();
      } catch (Throwable e) {
        failure.compareAndSet(null, e);
      }
    }

    /** Records acknowledged by the broker so far. */
    int produced() {
      return produced.get();
    }

    int total() {
      return generated.records().size();
    }

    boolean isDone() {
      return !thread.isAlive();
    }

    /** Waits until every record is acknowledged; fails if the producer failed. */
    void awaitDone(Duration timeout) throws InterruptedException {
      thread.join(timeout.toMillis());
      if (failure.get() != null) {
        throw new AssertionError("producing ticks failed", failure.get());
      }
      if (thread.isAlive() || produced.get() != total()) {
        throw new AssertionError("produced " + produced.get() + " of " + total() + " records within " + timeout);
      }
    }

    /** The valid ticks with their partition and offset; only once done. */
    List<Sent> sent() {
      List<Sent> sent = new ArrayList<>();
      for (int i = 0; i < positions.length; i++) {
        Sent s = generated.meaning().get(i);
        if (s != null) {
          sent.add(new Sent(s.pair(), s.bid(), s.ask(), s.eventTime(), (int) positions[i][0], positions[i][1]));
        }
      }
      return sent;
    }

    @Override
    public void close() throws InterruptedException {
      stop = true;
      thread.join(30_000);
    }
  }

  /**
   * The contract's candles, computed the plain way: each tick joins the five windows starting at
   * floor_minute(t) - k minutes; open and close are the first and last tick by (event time,
   * partition, offset); high and low the extremes; all rows final.
   */
  static List<Row> reference(List<Sent> ticks) {
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
          norm(low), norm(w.get(w.size() - 1).mid()), w.size(), true));
    }
    return rows;
  }

  private static BigDecimal norm(BigDecimal d) {
    BigDecimal s = d.stripTrailingZeros();
    return s.scale() < 0 ? s.setScale(0) : s;
  }

  /** The whole table, ordered by pair and open time; empty if the table does not exist yet or the database is down. */
  static List<Row> readTable(JdbcSettings jdbc, String table) {
    List<Row> rows = new ArrayList<>();
    try (Connection c = jdbc.connect(5); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select currency_pair, open_time, close_time, open_price, high_price, "
            + "low_price, close_price, tick_count, is_final from " + table + " order by currency_pair, open_time")) {
      while (rs.next()) {
        rows.add(new Row(rs.getString("currency_pair"),
            rs.getObject("open_time", LocalDateTime.class).toInstant(ZoneOffset.UTC).toEpochMilli(),
            rs.getObject("close_time", LocalDateTime.class).toInstant(ZoneOffset.UTC).toEpochMilli(),
            norm(rs.getBigDecimal("open_price")), norm(rs.getBigDecimal("high_price")),
            norm(rs.getBigDecimal("low_price")), norm(rs.getBigDecimal("close_price")),
            rs.getLong("tick_count"), rs.getBoolean("is_final")));
      }
    } catch (SQLException e) {
      return List.of();
    }
    return rows;
  }

  /** The sum of tick_count over the table: grows as the pipeline makes progress. */
  static long tickCountSum(JdbcSettings jdbc, String table) {
    return readTable(jdbc, table).stream().mapToLong(Row::count).sum();
  }

  /** Polls the table until it equals the reference; the last difference otherwise. */
  static void awaitTableEquals(JdbcSettings jdbc, String table, List<Row> expected, Duration timeout,
      Supplier<String> context) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Row> actual = List.of();
    while (System.nanoTime() < deadline) {
      actual = readTable(jdbc, table);
      if (actual.equals(expected)) {
        return;
      }
      Thread.sleep(1000);
    }
    throw new AssertionError(difference(expected, actual) + "\n" + context.get());
  }

  static String difference(List<Row> expected, List<Row> actual) {
    Map<String, Row> e = expected.stream().collect(Collectors.toMap(r -> r.pair() + r.openTime(), r -> r));
    Map<String, Row> a = actual.stream().collect(Collectors.toMap(r -> r.pair() + r.openTime(), r -> r));
    StringBuilder diff = new StringBuilder();
    int shown = 0;
    int differing = 0;
    for (Map.Entry<String, Row> x : new TreeMap<>(e).entrySet()) {
      Row got = a.get(x.getKey());
      if (!x.getValue().equals(got)) {
        differing++;
        if (shown++ < 15) {
          diff.append("\n  expected ").append(x.getValue()).append("\n  actual   ").append(got);
        }
      }
    }
    for (String k : a.keySet()) {
      if (!e.containsKey(k)) {
        differing++;
        if (shown++ < 20) {
          diff.append("\n  unexpected ").append(a.get(k));
        }
      }
    }
    return "candle table (" + actual.size() + " rows) differs from the reference (" + expected.size()
        + " rows) in " + differing + " rows:" + diff;
  }
}
