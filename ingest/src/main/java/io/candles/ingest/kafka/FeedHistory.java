package io.candles.ingest.kafka;

import io.candles.contract.Gap;
import io.candles.contract.RejectedTickException;
import io.candles.contract.Tick;
import io.candles.contract.TickJson;
import io.candles.contract.TickRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where an earlier ingester left off: for each pair, the newest moment its feed was known live in
 * the ticks topic, read from the tail of every partition. A tick counts by its receive time
 * ({@code ingest_time}), a gap record by its end (the earlier process was alive and marking then).
 *
 * <p>Why the tail only: a pair's records are in one partition, in the order they were written, so
 * the newest is near its end unless the pair was quiet while others in its partition were not; then
 * it is not found and no restart gap is marked for it (a quiet pair is no gap either).
 */
public final class FeedHistory {
  private static final Logger log = LoggerFactory.getLogger(FeedHistory.class);

  /** How many of each partition's last records are read. */
  public static final int TAIL_RECORDS = 5_000;

  private FeedHistory() {}

  /**
   * The newest live time (epoch millis) per pair of {@code pairs} found in the last
   * {@code tailRecords} records of each partition of {@code topic}; pairs not found are absent.
   * An unreachable broker or a read past {@code timeout} gives what was found so far, with a warning:
   * the ingester starts anyway, and only the restart gap goes unmarked.
   *
   * @param clientOverrides the ingester's {@code --producer} settings; the consumer's own (security) apply here too
   */
  public static Map<String, Long> lastLive(String bootstrapServers, String topic, Set<String> pairs,
      int tailRecords, Duration timeout, Map<String, String> clientOverrides) {
    Map<String, Long> last = new HashMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties(bootstrapServers, timeout,
        clientOverrides))) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
      if (infos == null || infos.isEmpty()) {
        return last;
      }
      List<TopicPartition> partitions = new ArrayList<>();
      infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
      consumer.assign(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
      Map<TopicPartition, Long> begins = consumer.beginningOffsets(partitions, timeout);
      Map<TopicPartition, Long> froms = new HashMap<>();
      for (TopicPartition p : partitions) {
        long end = ends.getOrDefault(p, 0L);
        long from = Math.max(begins.getOrDefault(p, 0L), end - tailRecords);
        if (from < end) {
          froms.put(p, from);
        }
      }
      List<TopicPartition> toRead = new ArrayList<>(froms.keySet());
      consumer.assign(toRead);
      froms.forEach(consumer::seek);
      while (!toRead.isEmpty() && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.key() == null || r.value() == null) {
            continue;
          }
          String pair = new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
          if (!pairs.contains(pair)) {
            continue;
          }
          long live = liveAt(r.value());
          if (live != Tick.NO_TIME) {
            last.merge(pair, live, Math::max);
          }
        }
        List<TopicPartition> done = new ArrayList<>();
        for (TopicPartition p : toRead) {
          if (consumer.position(p) >= ends.get(p)) {
            done.add(p);
          }
        }
        consumer.pause(done);
        toRead.removeAll(done);
      }
      if (!toRead.isEmpty()) {
        log.warn("reading where the previous ingester left off in {} took longer than {} ms; partitions {} were"
            + " not read to their end, so a restart gap may be marked short or not at all", topic,
            timeout.toMillis(), toRead);
      }
    } catch (KafkaException e) {
      log.warn("could not read where the previous ingester left off in {} ({}); no restart gap is marked", topic,
          e.getMessage());
    }
    return last;
  }

  /** When the record shows the feed live: a tick's receive time, a gap's end; NO_TIME if neither. */
  static long liveAt(byte[] value) {
    TickRecord record;
    try {
      record = TickJson.parseRecord(value, 0, value.length);
    } catch (RejectedTickException e) {
      return Tick.NO_TIME; // not ours to judge here: the pipeline dead-letters it
    }
    if (record instanceof Tick t) {
      return t.ingestTimeMillis();
    }
    return ((Gap) record).endMillis();
  }

  private static Properties properties(String bootstrapServers, Duration timeout, Map<String, String> overrides) {
    Properties p = new Properties();
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      if (ConsumerConfig.configNames().contains(e.getKey())) {
        p.put(e.getKey(), e.getValue());
      }
    }
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    // Looking must never create the topic (with the broker's defaults) as a side effect.
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "candles-ingest-feed-history");
    p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
    p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
    return p;
  }
}
