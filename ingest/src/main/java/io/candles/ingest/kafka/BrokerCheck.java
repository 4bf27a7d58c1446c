package io.candles.ingest.kafka;

import java.time.Duration;
import java.util.ArrayList;
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
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The startup check: is the broker there, and do the topics exist? Done once before anything is
 * connected, so that a wrong address is one clear line instead of a producer retrying forever.
 */
public final class BrokerCheck {
  private BrokerCheck() {}

  /** Why the check failed, in one line that says what, where and what to do. */
  public static final class BrokerUnavailableException extends Exception {
    public BrokerUnavailableException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Connects, and creates missing topics (with the broker's default partitions and replication)
   * when {@code createMissing}, else fails on them.
   *
   * @return the topics that were created
   */
  public static List<String> verify(
      String bootstrapServers, Duration timeout, List<String> topics, boolean createMissing,
      Map<String, String> clientOverrides) throws BrokerUnavailableException {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
    // Security settings (SASL/SSL) given as --producer overrides apply to this check too.
    for (Map.Entry<String, String> e : clientOverrides.entrySet()) {
      if (AdminClientConfig.configNames().contains(e.getKey())) {
        p.put(e.getKey(), e.getValue());
      }
    }
    Admin admin = Admin.create(p);
    try {
      try {
        admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException e) {
        throw new BrokerUnavailableException("cannot reach the Kafka broker at " + bootstrapServers
            + " within " + timeout.toSeconds() + " s (--bootstrapServers); start the broker or pass"
            + " --bootstrapServers host:port of a running one");
      }
      Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      List<String> missing = new ArrayList<>();
      for (String t : topics) {
        if (!existing.contains(t) && !missing.contains(t)) {
          missing.add(t);
        }
      }
      if (missing.isEmpty()) {
        return List.of();
      }
      if (!createMissing) {
        throw new BrokerUnavailableException("topic(s) " + missing + " do not exist on " + bootstrapServers
            + "; create them, or run with --createTopics=true");
      }
      List<NewTopic> create = new ArrayList<>();
      for (String t : missing) {
        create.add(new NewTopic(t, Optional.empty(), Optional.empty()));
      }
      try {
        admin.createTopics(create).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
      return missing;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BrokerUnavailableException("interrupted while checking the Kafka broker at " + bootstrapServers);
    } catch (TimeoutException | ExecutionException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      throw new BrokerUnavailableException("the Kafka broker at " + bootstrapServers
          + " did not answer a topic request within " + timeout.toSeconds() + " s (" + cause
          + "); check the broker's health and --bootstrapServers");
    } finally {
      admin.close(Duration.ofSeconds(2));
    }
  }
}
