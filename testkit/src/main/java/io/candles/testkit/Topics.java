package io.candles.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Topics of a test: created, filled with a {@link TickStream}'s records, and read back. */
public final class Topics {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Topics() {}

  /** What was produced: the valid ticks where Kafka stored them, and the rest by position. */
  public record Produced(List<TickStream.Sent> ticks, Map<String, String> deadLetters) {
    /** Adds another batch's. */
    public Produced plus(Produced other) {
      List<TickStream.Sent> t = new ArrayList<>(ticks);
      t.addAll(other.ticks);
      Map<String, String> d = new HashMap<>(deadLetters);
      d.putAll(other.deadLetters);
      return new Produced(t, d);
    }
  }

  /** A dead letter as the dead-letter topic holds it. */
  public record Letter(String key, String reason, String detail, String source, String raw, boolean truncated) {}

  public static void create(String bootstrap, String topic, int partitions) throws Exception {
    create(bootstrap, topic, partitions, Map.of());
  }

  /** The same with topic settings ({@code retention.ms}). */
  public static void create(String bootstrap, String topic, int partitions, Map<String, String> configs)
      throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(configs)))
          .all().get(30, TimeUnit.SECONDS);
    }
  }

  /** A producer as the contract asks for: idempotent, acks=all, records stamped by the caller. */
  public static Producer<String, byte[]> producer(String bootstrap) {
    return producer(bootstrap, Map.of());
  }

  /** The same with more producer settings (metadata.max.age.ms, to see new partitions soon). */
  public static Producer<String, byte[]> producer(String bootstrap, Map<String, Object> settings) {
    Properties props = new Properties();
    props.putAll(settings);
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  /** The record for Kafka: to its partition, or where the key hashes to if it has none (negative). */
  public static ProducerRecord<String, byte[]> toKafka(String topic, TickStream.Record r) {
    return new ProducerRecord<>(topic, r.partition() < 0 ? null : r.partition(), r.timestamp(), r.key(), r.value());
  }

  /** Produces every record, in order, and says where each landed. */
  public static Produced produce(String bootstrap, String topic, List<TickStream.Record> records) throws Exception {
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    try (Producer<String, byte[]> producer = producer(bootstrap)) {
      for (TickStream.Record r : records) {
        sent.add(producer.send(toKafka(topic, r)));
      }
      producer.flush();
    }
    return landed(records, sent);
  }

  /** Where each of {@code records}, sent in order with {@code sent} their acknowledgements, landed. */
  public static Produced landed(List<TickStream.Record> records, List<Future<RecordMetadata>> sent)
      throws Exception {
    List<TickStream.Sent> ticks = new ArrayList<>();
    Map<String, String> letters = new HashMap<>();
    for (int i = 0; i < records.size(); i++) {
      RecordMetadata md = sent.get(i).get();
      TickStream.Record r = records.get(i);
      if (r.tick() != null) {
        ticks.add(r.tick().at(md.partition(), md.offset()));
      } else if (r.expectedReason() != null) {
        letters.put(md.partition() + "@" + md.offset(), r.expectedReason());
      }
    }
    return new Produced(ticks, letters);
  }

  /** Every record of {@code topic} as it is now (values as bytes). */
  public static List<ConsumerRecord<String, byte[]>> readAll(String bootstrap, String topic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "testkit-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 << 20);
    List<ConsumerRecord<String, byte[]>> all = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("could not read " + topic + " to its end within 60 s");
        }
        consumer.poll(Duration.ofMillis(200)).forEach(all::add);
      }
    }
    return all;
  }

  /**
   * The ticks of {@code topic} as a producer such as the ingester wrote them, read with Jackson
   * and BigDecimal (none of the project's parsing): every record must have a pair (its key), decimal
   * bid and ask and an event time (ISO-8601 or epoch milliseconds); with where it is stored.
   */
  public static List<TickStream.Sent> ticks(String bootstrap, String topic) {
    List<TickStream.Sent> ticks = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : readAll(bootstrap, topic)) {
      String at = topic + "/" + r.partition() + "@" + r.offset();
      TickStream.Sent tick;
      try {
        JsonNode n = JSON.readTree(r.value());
        if (isGap(n)) {
          continue;
        }
        JsonNode prevSpread = n.get("prev_spread");
        JsonNode prevTime = n.get("prev_event_time");
        boolean previous = prevSpread != null && prevTime != null;
        tick = new TickStream.Sent(n.get("pair").asText(), new java.math.BigDecimal(n.get("bid").asText()),
            new java.math.BigDecimal(n.get("ask").asText()), millis(n.get("event_time")), r.partition(), r.offset(),
            previous ? new java.math.BigDecimal(prevSpread.asText()) : null,
            previous ? millis(prevTime) : TickStream.NO_PREVIOUS);
      } catch (java.io.IOException | RuntimeException e) {
        throw new AssertionError("not a tick record at " + at + ": "
            + (r.value() == null ? null : new String(r.value())), e);
      }
      if (!tick.pair().equals(r.key())) {
        throw new AssertionError("the tick at " + at + " is keyed " + r.key() + ", not by its pair " + tick.pair());
      }
      ticks.add(tick);
    }
    return ticks;
  }

  /** An ISO-8601 time or epoch milliseconds. */
  private static long millis(JsonNode time) {
    return time.isNumber() ? time.asLong() : java.time.Instant.parse(time.asText()).toEpochMilli();
  }

  private static boolean isGap(JsonNode n) {
    return n != null && "gap".equals(n.path("kind").asText(null));
  }

  /**
   * The gap records of {@code topic} by pair, each {@code [gap_start, gap_end)} in epoch millis,
   * read with Jackson and java.time (no contract code).
   */
  public static Map<String, List<long[]>> gaps(String bootstrap, String topic) {
    Map<String, List<long[]>> gaps = new java.util.TreeMap<>();
    for (ConsumerRecord<String, byte[]> r : readAll(bootstrap, topic)) {
      try {
        JsonNode n = JSON.readTree(r.value());
        if (isGap(n)) {
          gaps.computeIfAbsent(n.get("pair").asText(), k -> new ArrayList<>()).add(new long[] {
              java.time.Instant.parse(n.get("gap_start").asText()).toEpochMilli(),
              java.time.Instant.parse(n.get("gap_end").asText()).toEpochMilli()});
        }
      } catch (java.io.IOException | RuntimeException e) {
        // Not JSON, or not a gap: ticks() reports what it cannot read.
      }
    }
    return gaps;
  }

  /** The dead letters of {@code dlqTopic}, parsed. */
  public static List<Letter> deadLetters(String bootstrap, String dlqTopic) {
    List<Letter> letters = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : readAll(bootstrap, dlqTopic)) {
      try {
        JsonNode n = JSON.readTree(r.value());
        letters.add(new Letter(r.key(), n.path("reason").asText(null), n.path("detail").asText(null),
            n.path("source").asText(null), n.path("raw").isNull() ? null : n.path("raw").asText(null),
            n.path("raw_truncated").asBoolean(false)));
      } catch (java.io.IOException e) {
        throw new AssertionError("a dead letter that is not JSON: " + new String(r.value()), e);
      }
    }
    return letters;
  }
}
