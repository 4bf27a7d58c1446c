package org.apache.beam.sdk.io.kafka;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import io.candles.devservices.KafkaBroker;
import io.candles.pipeline.TicksDeletedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.UnboundedSource.UnboundedReader;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.util.SerializableUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * A split of {@link RescalableKafkaSource} resumed from its checkpoint mark, on a real broker,
 * after the topic grew from 3 to 6 partitions: it goes on from its offsets in the partition it had
 * and reads, from the start, the new partition that KafkaIO's round-robin gives its place, and
 * nothing of the others' partitions. Serialized and deserialized in between, as a savepoint does.
 * And a read whose next records the broker deleted before they were read: it fails, saying where.
 */
public class RescalableKafkaSourceIT {

  private static KafkaBroker broker;
  private static final String TOPIC = "rescale";

  @BeforeClass
  public static void startBroker() throws Exception {
    Path root = Paths.get("target", "it-services");
    Files.createDirectories(root);
    broker = KafkaBroker.start(Files.createTempDirectory(root, "kafka-rescale-"));
  }

  @AfterClass
  public static void stopBroker() {
    if (broker != null) {
      broker.stop();
    }
  }

  /** The read as the candle pipeline configures it by default: no offset reset (--deletedTicks=fail). */
  private static KafkaIO.Read<String, String> read() {
    return read(TOPIC, "none");
  }

  private static KafkaIO.Read<String, String> read(String topic, String autoOffsetReset) {
    return KafkaIO.<String, String>read()
        .withBootstrapServers(broker.bootstrapServers())
        .withTopic(topic)
        .withKeyDeserializerAndCoder(StringDeserializer.class, StringUtf8Coder.of())
        .withValueDeserializerAndCoder(StringDeserializer.class, StringUtf8Coder.of())
        .withConsumerConfigUpdates(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, autoOffsetReset));
  }

  private static void produce(int partition, int from, int to) {
    produce(TOPIC, partition, from, to);
  }

  private static void produce(String topic, int partition, int from, int to) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      for (int i = from; i < to; i++) {
        producer.send(new ProducerRecord<>(topic, partition, "k", "p" + partition + "-" + i));
      }
      producer.flush();
    }
  }

  /** Reads until {@code count} records came or nothing more came for 5 s. */
  private static List<String> readSome(UnboundedReader<KafkaRecord<String, String>> reader, int count) throws Exception {
    List<String> values = new ArrayList<>();
    long quietSince = System.nanoTime();
    boolean available = reader.start();
    while (System.nanoTime() - quietSince < Duration.ofSeconds(5).toNanos()) {
      if (available) {
        values.add(reader.getCurrent().getKV().getValue());
        quietSince = System.nanoTime();
        if (values.size() == count) {
          // No advance past the last record taken: the checkpoint mark is right after it.
          break;
        }
      } else {
        Thread.sleep(50);
      }
      available = reader.advance();
    }
    return values;
  }

  @Test
  public void aResumedSplitAlsoReadsThePartitionsAddedSinceItsCheckpoint() throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get();
      for (int p = 0; p < 3; p++) {
        produce(p, 0, 10);
      }
      PipelineOptions options = PipelineOptionsFactory.create();
      List<KafkaUnboundedSource<String, String>> splits = RescalableKafkaSource.of(read()).split(3, options);
      assertEquals(3, splits.size());
      assertEquals(List.of(new TopicPartition(TOPIC, 0)), splits.get(0).getSpec().getTopicPartitions());

      // Split 0 reads 4 records of its partition and is checkpointed.
      KafkaCheckpointMark mark;
      try (UnboundedReader<KafkaRecord<String, String>> reader = splits.get(0).createReader(options, null)) {
        assertEquals(List.of("p0-0", "p0-1", "p0-2", "p0-3"), readSome(reader, 4));
        mark = (KafkaCheckpointMark) reader.getCheckpointMark();
      }
      KafkaUnboundedSource<String, String> saved = SerializableUtils.clone(splits.get(0));
      // The mark as the runner keeps it: encoded with the source's checkpoint mark coder.
      KafkaCheckpointMark savedMark = org.apache.beam.sdk.util.CoderUtils.clone(saved.getCheckpointMarkCoder(), mark);

      // The topic grows to 6 partitions while no job runs, and records arrive on old and new ones.
      admin.createPartitions(Map.of(TOPIC, NewPartitions.increaseTo(6))).all().get();
      produce(0, 10, 12);
      for (int p = 3; p < 6; p++) {
        produce(p, 0, 3);
      }

      try (UnboundedReader<KafkaRecord<String, String>> reader = saved.createReader(options, savedMark)) {
        List<String> expected = new ArrayList<>();
        for (int i = 4; i < 12; i++) {
          expected.add("p0-" + i);
        }
        expected.addAll(List.of("p3-0", "p3-1", "p3-2"));
        // Partition 3 is position 3 of 6: round-robin over the 3 splits gives it to split 0.
        assertThat(readSome(reader, 100), containsInAnyOrder(expected.toArray()));
        KafkaCheckpointMark next = (KafkaCheckpointMark) reader.getCheckpointMark();
        assertEquals(List.of(0, 3), next.getPartitions().stream().map(KafkaCheckpointMark.PartitionMark::getPartition)
            .toList());
      }
      // Resumed with no new partition, a split reads what it had, from its offsets.
      try (UnboundedReader<KafkaRecord<String, String>> reader =
          SerializableUtils.clone(splits.get(1)).createReader(options, new KafkaCheckpointMark(List.of(
              new KafkaCheckpointMark.PartitionMark(TOPIC, 1, 8,
                  org.apache.beam.sdk.transforms.windowing.BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis())), java.util.Optional.empty()))) {
        assertThat(readSome(reader, 100), containsInAnyOrder("p1-8", "p1-9", "p4-0", "p4-1", "p4-2"));
      }
    }
  }

  /** Consumers the counting read below has made: each reader's own, and each lookup of partitions. */
  private static final AtomicInteger CONSUMERS = new AtomicInteger();

  @Test
  public void aSplitReCreatedFromItsCheckpointAsksTheBrokerOncePerResumeAndKeepsWhatItGrewTo() throws Exception {
    String topic = "recreated";
    PipelineOptions options = PipelineOptionsFactory.create();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
      produce(topic, 0, 0, 10);
      KafkaIO.Read<String, String> counting = read(topic, "none").withConsumerFactoryFn(config -> {
        CONSUMERS.incrementAndGet();
        return new KafkaConsumer<byte[], byte[]>(config);
      });
      KafkaUnboundedSource<String, String> split = RescalableKafkaSource.of(counting).split(1, options).get(0);
      KafkaCheckpointMark mark;
      try (UnboundedReader<KafkaRecord<String, String>> reader = split.createReader(options, null)) {
        assertEquals(List.of("p0-0", "p0-1"), readSome(reader, 2));
        mark = (KafkaCheckpointMark) reader.getCheckpointMark();
      }
      admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(2))).all().get();
      produce(topic, 1, 0, 2);

      // The first reader from a checkpoint asks the broker for the partitions and takes the new one.
      try (UnboundedReader<KafkaRecord<String, String>> reader = split.createReader(options, mark)) {
        assertThat(readSome(reader, 10), containsInAnyOrder(
            "p0-2", "p0-3", "p0-4", "p0-5", "p0-6", "p0-7", "p0-8", "p0-9", "p1-0", "p1-1"));
        mark = (KafkaCheckpointMark) reader.getCheckpointMark();
      }

      // Re-created from the same split, as the DirectRunner does every few bundles: it resumes
      // every partition it grew to.
      produce(topic, 0, 10, 11);
      produce(topic, 1, 2, 3);
      int before = CONSUMERS.get();
      try (UnboundedReader<KafkaRecord<String, String>> reader = split.createReader(options, mark)) {
        assertThat(readSome(reader, 2), containsInAnyOrder("p0-10", "p1-2"));
        mark = (KafkaCheckpointMark) reader.getCheckpointMark();
      }
      int recreated = CONSUMERS.get() - before;

      // Restored (a split deserialized from a savepoint), the same read asks the broker for the
      // partitions again: one consumer more than the re-created reader, which did not ask.
      produce(topic, 1, 3, 4);
      before = CONSUMERS.get();
      try (UnboundedReader<KafkaRecord<String, String>> reader =
          SerializableUtils.clone(split).createReader(options, mark)) {
        assertEquals(List.of("p1-3"), readSome(reader, 1));
      }
      assertEquals(recreated + 1, CONSUMERS.get() - before);
    }
  }

  @Test
  public void ticksDeletedBeforeTheyWereReadFailTheReadSayingWhereUnlessSkipped() throws Exception {
    String topic = "deleted";
    TopicPartition tp = new TopicPartition(topic, 0);
    PipelineOptions options = PipelineOptionsFactory.create();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
      produce(topic, 0, 0, 10);
      // What the broker's retention does to old records, at an offset of our choosing.
      admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(3))).all().get();
      KafkaUnboundedSource<String, String> split = RescalableKafkaSource.of(read(topic, "none")).split(1, options).get(0);

      // A fresh read starts at the earliest offset the broker has, with no offset reset to say so.
      try (UnboundedReader<KafkaRecord<String, String>> reader = split.createReader(options, null)) {
        assertEquals(List.of("p0-3", "p0-4", "p0-5", "p0-6", "p0-7", "p0-8", "p0-9"), readSome(reader, 100));
      }

      // A read resumed at offset 5, after the records before 8 were deleted: the ticks at 5 to 7
      // are lost, and the read stops rather than skip them.
      admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(8))).all().get();
      KafkaCheckpointMark at5 = new KafkaCheckpointMark(List.of(new KafkaCheckpointMark.PartitionMark(topic, 0, 5,
          org.apache.beam.sdk.transforms.windowing.BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis())),
          java.util.Optional.empty());
      try (UnboundedReader<KafkaRecord<String, String>> reader = split.createReader(options, at5)) {
        TicksDeletedException e = assertThrows(TicksDeletedException.class, () -> readSome(reader, 100));
        assertThat(e.getMessage(), containsString("(offset 5 of deleted-0)"));
        assertThat(e.getMessage(), containsString("--deletedTicks=skip"));
      }

      // --deletedTicks=skip: the read goes on from the earliest tick left.
      KafkaUnboundedSource<String, String> skipping =
          RescalableKafkaSource.of(read(topic, "earliest")).split(1, options).get(0);
      try (UnboundedReader<KafkaRecord<String, String>> reader = skipping.createReader(options, at5)) {
        assertEquals(List.of("p0-8", "p0-9"), readSome(reader, 100));
      }
    }
  }

  @Test
  public void aSplitsShareIsKafkaIosRoundRobinOverThePartitionsOfNow() {
    List<TopicPartition> six = new ArrayList<>();
    for (int p = 0; p < 6; p++) {
      six.add(new TopicPartition("t", p));
    }
    assertEquals(List.of(six.get(1), six.get(3), six.get(5)),
        RescalableKafkaSource.ownShare(six, 1, 2, List.of(six.get(1))));
    assertEquals(List.of(six.get(2), six.get(5)), RescalableKafkaSource.ownShare(six, 2, 3, List.of(six.get(2))));
    // Never fewer than it had, whatever the broker says.
    assertEquals(List.of(six.get(0), six.get(4)), RescalableKafkaSource.ownShare(six.subList(0, 3), 0, 3,
        List.of(six.get(0), six.get(4))));
  }
}
