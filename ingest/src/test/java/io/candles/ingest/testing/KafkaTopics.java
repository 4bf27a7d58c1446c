package io.candles.ingest.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Creating topics and reading them back with the real Kafka clients. */
public final class KafkaTopics {
  private KafkaTopics() {}

  /** Creates the topics with 3 partitions each. */
  public static void create(String bootstrap, String... topics) throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(p)) {
      List<NewTopic> list = new ArrayList<>();
      for (String t : topics) {
        list.add(new NewTopic(t, 3, (short) 1));
      }
      admin.createTopics(list).all().get();
    }
  }

  private static KafkaConsumer<String, String> consumer(String bootstrap) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
  }

  /**
   * Every record of the topic, once at least {@code atLeast} are there (or the timeout passes),
   * in partition-offset order per partition.
   */
  public static List<ConsumerRecord<String, String>> readAll(String bootstrap, String topic, long atLeast,
      Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (count(bootstrap, topic) < atLeast && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    try (KafkaConsumer<String, String> c = consumer(bootstrap)) {
      List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
          .map(i -> new TopicPartition(topic, i.partition())).collect(Collectors.toList());
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      List<ConsumerRecord<String, String>> out = new ArrayList<>();
      long readDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!caughtUp(c, end) && System.nanoTime() < readDeadline) {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
          out.add(r);
        }
      }
      return out;
    }
  }

  private static boolean caughtUp(KafkaConsumer<String, String> c, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (c.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** Records in the topic now (end minus beginning offsets). */
  public static long count(String bootstrap, String topic) {
    try (KafkaConsumer<String, String> c = consumer(bootstrap)) {
      Set<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
          .map(i -> new TopicPartition(topic, i.partition())).collect(Collectors.toSet());
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      Map<TopicPartition, Long> begin = c.beginningOffsets(parts);
      long n = 0;
      for (TopicPartition tp : parts) {
        n += end.get(tp) - begin.get(tp);
      }
      return n;
    }
  }
}
