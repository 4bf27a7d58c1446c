package io.candles.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.candles.devservices.KafkaBroker;
import io.candles.testkit.CandleTable;
import io.candles.testkit.Database;
import io.candles.testkit.Services;
import io.candles.testkit.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/** The launcher's checks with a real broker, and with no database or a real one. */
public class CandlesLauncherIT {
  private static KafkaBroker kafka;

  @BeforeClass
  public static void startBroker() throws IOException {
    Path root = Files.createDirectories(Paths.get("target", "it-services"));
    kafka = KafkaBroker.start(Files.createTempDirectory(root, "kafka-"));
  }

  @AfterClass
  public static void stopBroker() {
    if (kafka != null) {
      kafka.stop();
    }
  }

  @Test
  public void anUnreachableDatabaseIsOneLineNamingTheUrl() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    String url = "jdbc:postgresql://127.0.0.1:" + closedPort + "/postgres";
    LauncherOutput r = LauncherOutput.run(
        "--bootstrapServers=" + kafka.bootstrapServers(), "--jdbcUrl=" + url);
    assertEquals(r.err(), 3, r.exitCode());
    assertEquals(r.err(), 1, r.errorLines());
    assertThat(r.err(), containsString("error: PostgreSQL not reachable at " + url + " (--jdbcUrl)"));
  }

  @Test
  public void otherWindowsGetATableOfTheirOwnByDefault() throws Exception {
    Database db = Services.database();
    List<String> args = new ArrayList<>(List.of("--bootstrapServers=" + kafka.bootstrapServers(),
        "--topic=ticks-fifteen", "--dlqTopic=ticks-fifteen-dlq", "--windowSize=15m"));
    args.addAll(Arrays.asList(db.options()));
    try (LauncherProcess launcher = LauncherProcess.startClasspath(
        Services.dataDir("fifteen").resolve("launcher.log"), args)) {
      launcher.awaitOutput(Pattern.compile("running on DirectRunner: .* table candle_stick_15_min\\."),
          Duration.ofSeconds(120));
    }
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select window_size_ms, window_period_ms from candle_progress "
            + "where candle_table = 'candle_stick_15_min'")) {
      assertTrue("the new table is registered with its windows", rs.next());
      assertEquals(900_000L, rs.getLong(1));
      assertEquals(60_000L, rs.getLong(2));
    }
  }

  @Test
  public void writingOtherWindowsIntoATableIsRefusedInOneLine() {
    Database db = Services.database();
    List<String> args = new ArrayList<>(List.of("--bootstrapServers=" + kafka.bootstrapServers(),
        "--windowSize=15m", "--table=candle_stick_five_min"));
    args.addAll(Arrays.asList(db.options()));
    LauncherOutput r = LauncherOutput.run(args.toArray(new String[0]));
    assertEquals(r.err(), 2, r.exitCode());
    assertEquals(r.err(), 1, r.errorLines());
    assertThat(r.err(), containsString("error: table candle_stick_five_min holds 5 min candles every 1 min; "
        + "this run computes 15 min candles every 1 min"));
    assertThat(r.err(), containsString("candle_stick_15_min"));
  }

  @Test
  public void aTableOfOtherWindowsFromBeforeTheRegistrationIsRefusedToo() throws Exception {
    Database db = Services.database();
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      CandleTable.create(db, "candles_legacy_hourly");
      s.execute("insert into candles_legacy_hourly (currency_pair, open_price, high_price, low_price, close_price, "
          + "open_time, close_time, tick_count) values ('BTCUSDT', 1, 1, 1, 1, '2021-10-14 18:00', "
          + "'2021-10-14 19:00', 1)");
    }
    List<String> args = new ArrayList<>(List.of("--bootstrapServers=" + kafka.bootstrapServers(),
        "--table=candles_legacy_hourly"));
    args.addAll(Arrays.asList(db.options()));
    LauncherOutput r = LauncherOutput.run(args.toArray(new String[0]));
    assertEquals(r.err(), 2, r.exitCode());
    assertThat(r.err(), containsString("error: table candles_legacy_hourly holds candles 1 h long, not 5 min"));
  }

  @Test
  public void recordsTheBrokerIsAboutToDeleteByRetentionAreNamedAtStart() throws Exception {
    String bootstrap = kafka.bootstrapServers();
    long stamped = Instant.parse("2021-10-14T18:00:00Z").toEpochMilli();
    // Kept until half an hour from now: not deleted yet, but soon, and before a backlog is read.
    long retention = System.currentTimeMillis() - stamped + 30 * 60_000L;
    Topics.create(bootstrap, "ticks-old", 2, Map.of("retention.ms", Long.toString(retention)));
    Topics.create(bootstrap, "ticks-old-kept", 2, Map.of("retention.ms", "-1"));
    Topics.create(bootstrap, "ticks-fresh", 2);
    try (Producer<String, byte[]> producer = Topics.producer(bootstrap)) {
      for (int i = 0; i < 3; i++) {
        for (String topic : List.of("ticks-old", "ticks-old-kept")) {
          producer.send(new ProducerRecord<>(topic, 1, stamped + i, "BTCUSDT", tick(stamped + i))).get();
        }
        long now = System.currentTimeMillis();
        producer.send(new ProducerRecord<>("ticks-fresh", 1, now, "BTCUSDT", tick(now))).get();
      }
    }
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      long now = System.currentTimeMillis();
      Optional<String> warning = Preflight.retentionWarning(admin, bootstrap, "ticks-old", now);
      assertTrue("records half an hour from their retention are named", warning.isPresent());
      assertThat(warning.get(), containsString("3 of its records (partition(s) [1])"));
      assertThat(warning.get(), containsString("--entity-name ticks-old --add-config retention.ms=-1"));
      assertEquals("a topic that keeps its records", Optional.empty(),
          Preflight.retentionWarning(admin, bootstrap, "ticks-old-kept", now));
      assertEquals("fresh records on the default retention", Optional.empty(),
          Preflight.retentionWarning(admin, bootstrap, "ticks-fresh", now));
    }

    // As a user meets it: the launcher says it before the pipeline starts.
    Database db = Services.database();
    List<String> args = new ArrayList<>(List.of("--bootstrapServers=" + bootstrap, "--topic=ticks-old",
        "--dlqTopic=ticks-old-dlq", "--table=candles_retention"));
    args.addAll(Arrays.asList(db.options()));
    try (LauncherProcess launcher = LauncherProcess.startClasspath(
        Services.dataDir("retention").resolve("launcher.log"), args)) {
      launcher.awaitOutput(Pattern.compile("WARN .*Topic ticks-old keeps records for " + retention
          + " ms \\(retention.ms\\), and 3 of its records"), Duration.ofSeconds(120));
    }
  }

  @Test
  public void aRestartWhoseFirstTicksTheBrokerDeletedRefusesToStartUnlessTold() throws Exception {
    String bootstrap = kafka.bootstrapServers();
    String topic = "ticks-deleted";
    String table = "candles_deleted";
    Database db = Services.database();
    Topics.create(bootstrap, topic, 1);
    long now = System.currentTimeMillis();
    try (Producer<String, byte[]> producer = Topics.producer(bootstrap)) {
      for (long t = now - 7 * 60_000L; t < now; t += 500) {
        producer.send(new ProducerRecord<>(topic, 0, t, "BTCUSDT", tick(t)));
      }
      producer.flush();
    }
    List<String> args = new ArrayList<>(List.of("--bootstrapServers=" + bootstrap, "--topic=" + topic,
        "--dlqTopic=" + topic + "-dlq", "--table=" + table));
    args.addAll(Arrays.asList(db.options()));

    // A first run makes some windows final, and stops.
    try (LauncherProcess launcher = LauncherProcess.startClasspath(
        Services.dataDir("deleted-first").resolve("launcher.log"), args)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (finalThrough(db, table) == null) {
        assertTrue("no window became final: " + launcher.tail(), System.nanoTime() < deadline);
        Thread.sleep(500);
      }
    }
    // While it is away, ticks arrive, and the broker deletes every record before them (what its
    // retention does after a long enough outage).
    long endBefore;
    try (Producer<String, byte[]> producer = Topics.producer(bootstrap)) {
      endBefore = producer.send(new ProducerRecord<>(topic, 0, now, "BTCUSDT", tick(now))).get().offset();
      long later = System.currentTimeMillis();
      producer.send(new ProducerRecord<>(topic, 0, later, "BTCUSDT", tick(later))).get();
    }
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.deleteRecords(Map.of(new TopicPartition(topic, 0), RecordsToDelete.beforeOffset(endBefore)))
          .all().get();
    }

    // The restart, as the user runs it: it does not start, and says why in one line.
    LauncherOutput refused = LauncherOutput.run(args.toArray(new String[0]));
    assertEquals(refused.err(), 1, refused.exitCode());
    assertEquals(refused.err(), 1, refused.errorLines());
    assertThat(refused.err(), containsString("error: The topic no longer has all the ticks this restart must "
        + "read: in partition(s) [0] of ticks-deleted"));
    assertThat(refused.err(), containsString("--deletedTicks=skip"));

    // Told to go on, it starts, with the loss in its log.
    args.add("--deletedTicks=skip");
    try (LauncherProcess launcher = LauncherProcess.startClasspath(
        Services.dataDir("deleted-skip").resolve("launcher.log"), args)) {
      launcher.awaitOutput(Pattern.compile("WARN .*The topic no longer has all the ticks .* \\(--deletedTicks=skip"),
          Duration.ofSeconds(120));
      launcher.awaitOutput(Pattern.compile("running on DirectRunner"), Duration.ofSeconds(120));
    }
  }

  private static Long finalThrough(Database db, String table) throws SQLException {
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select final_through from candle_progress where candle_table = '" + table
            + "' and final_through is not null")) {
      return rs.next() ? rs.getTimestamp(1).getTime() : null;
    }
  }

  private static byte[] tick(long eventTime) {
    return ("{\"pair\":\"BTCUSDT\",\"bid\":\"1.00\",\"ask\":\"1.02\",\"event_time\":" + eventTime + "}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
