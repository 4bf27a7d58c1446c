package io.candles.runners;

import io.candles.contract.Durations;
import io.candles.pipeline.CandleSchema;
import io.candles.pipeline.CandleSettings;
import io.candles.pipeline.CandleWindowing;
import io.candles.pipeline.JdbcSettings;
import io.candles.pipeline.ServiceUnavailableException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, before the pipeline starts, that the broker and the database answer, and prepares
 * them: the topics and the candle table are created when missing. Each failure is one line that
 * names the service, the address and what to check.
 */
public final class Preflight {
  private static final Logger LOG = LoggerFactory.getLogger(Preflight.class);
  private static final int TIMEOUT_SECONDS = 10;
  private static final int CONNECT_TIMEOUT_MILLIS = 3_000;
  /**
   * Records whose timestamps pass the topic's retention this soon are named at start: reading a
   * backlog takes minutes, and the broker checks retention every few minutes.
   */
  static final long RETENTION_HORIZON_MILLIS = 3_600_000L;

  private Preflight() {}

  /** Checks the broker and creates missing topics ({@code topic} with {@code partitions}). */
  public static void kafka(String bootstrapServers, String topic, int partitions, String dlqTopic) {
    // The admin client would retry a dead or unknown address with a warning per attempt (or throw
    // from its constructor): a plain connect first keeps the answer to one line.
    probeKafka(bootstrapServers);
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_SECONDS * 1000);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_SECONDS * 1000);
    // Do not retry a dead address for minutes.
    p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
    try (Admin admin = Admin.create(p)) {
      Set<String> existing;
      try {
        existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        throw new ServiceUnavailableException("Kafka broker not reachable at " + bootstrapServers
            + " (--bootstrapServers) within " + TIMEOUT_SECONDS + " s: check that it is running "
            + "and that the address is right.");
      }
      List<NewTopic> missing = new ArrayList<>();
      if (!existing.contains(topic)) {
        missing.add(new NewTopic(topic, partitions, (short) 1));
      }
      if (!existing.contains(dlqTopic)) {
        missing.add(new NewTopic(dlqTopic, 1, (short) 1));
      }
      for (NewTopic t : missing) {
        try {
          admin.createTopics(List.of(t)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
          LOG.info("Created topic {} with {} partition(s) on {}", t.name(), t.numPartitions(),
              bootstrapServers);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new ServiceUnavailableException("Could not create topic " + t.name() + " on "
                + bootstrapServers + ": " + e.getCause().getMessage()
                + ". Create it yourself or check the broker's permissions.");
          }
        } catch (TimeoutException e) {
          throw new ServiceUnavailableException("Kafka broker at " + bootstrapServers
              + " did not create topic " + t.name() + " within " + TIMEOUT_SECONDS + " s.");
        }
      }
      retentionWarning(admin, bootstrapServers, topic, System.currentTimeMillis()).ifPresent(LOG::warn);
    } catch (KafkaException e) {
      throw new ServiceUnavailableException("Kafka client could not start for " + bootstrapServers
          + " (--bootstrapServers): " + e.getMessage() + ".");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceUnavailableException("Interrupted while checking Kafka at " + bootstrapServers);
    }
  }

  /**
   * A warning when the topic holds records the broker is about to delete by its retention. The
   * broker deletes by record timestamp, which the contract makes the event time, whatever the
   * offset and whether or not the pipeline has read them: replayed old ticks vanish at the next
   * retention check, and a window that had some of them would be final without them. Empty when
   * the topic keeps its records long enough, or when the broker cannot say (a warning is no reason
   * to stop a start).
   */
  static Optional<String> retentionWarning(Admin admin, String bootstrapServers, String topic,
      long nowMillis) throws InterruptedException {
    try {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      Config config = admin.describeConfigs(List.of(resource)).all()
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(resource);
      long retentionMs = Long.parseLong(config.get(TopicConfig.RETENTION_MS_CONFIG).value());
      if (retentionMs < 0 || !config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value().contains("delete")) {
        return Optional.empty();
      }
      int partitions = admin.describeTopics(List.of(topic)).allTopicNames()
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic).partitions().size();
      // The first record stamped at or after the horizon: every record before it is at risk.
      long horizon = nowMillis - retentionMs + RETENTION_HORIZON_MILLIS;
      Map<TopicPartition, Long> earliest = offsets(admin, topic, partitions, OffsetSpec.earliest());
      Map<TopicPartition, Long> latest = offsets(admin, topic, partitions, OffsetSpec.latest());
      Map<TopicPartition, Long> kept = offsets(admin, topic, partitions, OffsetSpec.forTimestamp(horizon));
      long atRisk = 0;
      List<Integer> where = new ArrayList<>();
      for (TopicPartition tp : earliest.keySet()) {
        long end = latest.get(tp);
        long from = kept.get(tp) < 0 ? end : kept.get(tp);
        if (from > earliest.get(tp)) {
          atRisk += from - earliest.get(tp);
          where.add(tp.partition());
        }
      }
      if (atRisk == 0) {
        return Optional.empty();
      }
      where.sort(null);
      return Optional.of("Topic " + topic + " keeps records for " + readable(retentionMs)
          + " (retention.ms), and " + atRisk + " of its records (partition(s) " + where + ") have timestamps "
          + "that reach it within " + readable(RETENTION_HORIZON_MILLIS) + ": the broker deletes them at "
          + "its next retention check, read or not, and their ticks are lost to the candles. To replay old ticks, "
          + "keep them first: kafka-configs.sh --bootstrap-server " + bootstrapServers + " --alter --entity-type "
          + "topics --entity-name " + topic + " --add-config retention.ms=-1");
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      LOG.debug("Could not check the retention of topic {}", topic, e);
      return Optional.empty();
    }
  }

  /** A retention as a person reads it: 7 days, 1 h, 30 min, or milliseconds. */
  static String readable(long millis) {
    if (millis % 86_400_000L == 0) {
      return millis / 86_400_000L + (millis == 86_400_000L ? " day" : " days");
    }
    if (millis % 3_600_000L == 0) {
      return millis / 3_600_000L + " h";
    }
    return millis % 60_000L == 0 ? millis / 60_000L + " min" : millis + " ms";
  }

  private static Map<TopicPartition, Long> offsets(Admin admin, String topic, int partitions, OffsetSpec spec)
      throws InterruptedException, ExecutionException, TimeoutException {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    for (int i = 0; i < partitions; i++) {
      request.put(new TopicPartition(topic, i), spec);
    }
    Map<TopicPartition, Long> offsets = new HashMap<>();
    for (Map.Entry<TopicPartition, ListOffsetsResultInfo> e
        : admin.listOffsets(request).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).entrySet()) {
      offsets.put(e.getKey(), e.getValue().offset());
    }
    return offsets;
  }

  /**
   * Returns when a TCP connection to one of the bootstrap addresses succeeds; otherwise says, for
   * each address, why not (malformed, unknown host, refused, timed out).
   */
  static void probeKafka(String bootstrapServers) {
    List<String> failures = new ArrayList<>();
    for (String address : bootstrapServers.split(",")) {
      address = address.trim();
      if (address.isEmpty()) {
        continue;
      }
      int colon = address.lastIndexOf(':');
      int port = -1;
      if (colon > 0) {
        try {
          port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
          port = -1;
        }
      }
      if (port < 1 || port > 65_535) {
        failures.add(address + " is not host:port");
        continue;
      }
      String host = address.substring(0, colon).replace("[", "").replace("]", "");
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
        return;
      } catch (UnknownHostException e) {
        failures.add("unknown host " + host);
      } catch (IOException e) {
        failures.add(address + ": " + e.getMessage());
      }
    }
    if (failures.isEmpty()) {
      failures.add("no address given");
    }
    throw new ServiceUnavailableException("Kafka broker not reachable at " + bootstrapServers
        + " (--bootstrapServers): " + String.join("; ", failures)
        + ". Check that it is running and that the address is right.");
  }

  /**
   * Checks the database and applies the schema; a table that holds other windows is refused
   * ({@link CandleSchema.WindowMismatchException}, its message one line).
   */
  public static void database(JdbcSettings jdbc, String table, CandleWindowing windowing) {
    try (Connection c = jdbc.connect(TIMEOUT_SECONDS)) {
      CandleSchema.apply(c, table, windowing.size(), windowing.period());
    } catch (SQLException e) {
      throw new ServiceUnavailableException(describe(jdbc, e));
    }
  }

  /**
   * Checks that {@code table} is registered for these windows, or registers it, without changing
   * the schema: for a role that may write candles but not migrate the table (sql/roles.sql).
   */
  public static void windows(JdbcSettings jdbc, String table, CandleWindowing windowing) {
    try (Connection c = jdbc.connect(TIMEOUT_SECONDS)) {
      CandleSchema.registerWindows(c, table, windowing.size(), windowing.period());
    } catch (SQLException e) {
      throw new ServiceUnavailableException(describe(jdbc, e));
    }
  }

  private static String describe(JdbcSettings jdbc, SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String what;
    if (state.startsWith("08")) {
      what = "PostgreSQL not reachable at " + jdbc.url() + " (--jdbcUrl): check that it is running "
          + "and that host and port are right";
    } else if (state.equals("28P01") || state.equals("28000")) {
      what = "PostgreSQL at " + jdbc.url() + " refused user '" + jdbc.user()
          + "': check --jdbcUser and --jdbcPassword";
    } else if (state.equals("3D000")) {
      what = "PostgreSQL at " + jdbc.url() + " has no such database: create it or fix --jdbcUrl";
    } else {
      what = "PostgreSQL at " + jdbc.url() + " failed while applying the schema";
    }
    String detail = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
    return what + " (" + (state.isEmpty() ? "" : "SQLSTATE " + state + ": ") + detail + ")";
  }

  /**
   * Options that must hold before anything is started: the pipeline's, parsed once into the
   * settings it returns, then the launcher's.
   */
  static CandleSettings options(LauncherOptions o) {
    CandleSettings settings = CandleSettings.of(o);
    networkBufferTimeout(o);
    if (o.getTopicPartitions() == null || o.getTopicPartitions() < 1) {
      throw new IllegalArgumentException("--topicPartitions must be at least 1");
    }
    return settings;
  }

  /** --networkBufferTimeout in milliseconds. */
  static long networkBufferTimeout(LauncherOptions o) {
    return Durations.parse("networkBufferTimeout", o.getNetworkBufferTimeout()).toMillis();
  }
}
