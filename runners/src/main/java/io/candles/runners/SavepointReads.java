package io.candles.runners;

import java.io.DataInputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.beam.runners.flink.translation.wrappers.streaming.io.source.FlinkSourceSplit;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeutils.base.array.BytePrimitiveArraySerializer;
import org.apache.flink.core.fs.CloseableRegistry;
import org.apache.flink.core.io.SimpleVersionedSerialization;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.state.DefaultOperatorStateBackend;
import org.apache.flink.runtime.state.DefaultOperatorStateBackendBuilder;
import org.apache.flink.runtime.state.OperatorStateHandle;
import org.apache.kafka.common.TopicPartition;

/**
 * What the Kafka read of a savepoint or retained checkpoint reads: its topics and brokers, taken
 * from the source splits that Flink keeps in it (the state of every source reader, Beam's split with
 * its KafkaIO configuration). A job resumed from a savepoint goes on with those splits, whatever
 * the new command line says, so the launcher compares them with {@code --topic} and
 * {@code --bootstrapServers} and refuses a change instead of ignoring it.
 */
final class SavepointReads {

  /** The state of a Flink source's readers (Flink's SourceOperator): each split, versioned and serialized. */
  static final String SOURCE_READER_STATE = "SourceReaderState";

  /** What the Kafka splits of a savepoint read. */
  record Read(Set<String> topics, Set<String> bootstrapServers, int partitions) {}

  private SavepointReads() {}

  /**
   * Reads the savepoint at {@code location} (its directory or its {@code _metadata}, with or
   * without {@code file:}); empty if it holds no Kafka split.
   */
  static Optional<Read> read(String location, ClassLoader classLoader) throws IOException {
    Path dir = Paths.get(location.replaceFirst("^file:(//)?", "/").replaceFirst("^//+", "/"));
    if (dir.getFileName() != null && dir.getFileName().toString().equals("_metadata")) {
      dir = dir.getParent();
    }
    Path metadata = dir.resolve("_metadata");
    if (!Files.isRegularFile(metadata)) {
      throw new IOException(metadata + " does not exist");
    }
    CheckpointMetadata checkpoint;
    try (DataInputStream in = new DataInputStream(Files.newInputStream(metadata))) {
      checkpoint = Checkpoints.loadCheckpointMetadata(in, classLoader, dir.toUri().toString());
    }
    Set<String> topics = new TreeSet<>();
    Set<String> servers = new TreeSet<>();
    Set<String> partitions = new TreeSet<>();
    for (OperatorState operator : checkpoint.getOperatorStates()) {
      List<OperatorStateHandle> handles = new ArrayList<>();
      for (OperatorSubtaskState subtask : operator.getStates()) {
        for (OperatorStateHandle h : subtask.getManagedOperatorState()) {
          if (h.getStateNameToPartitionOffsets().containsKey(SOURCE_READER_STATE)) {
            handles.add(h);
          }
        }
      }
      for (byte[] split : splits(handles, classLoader)) {
        FlinkSourceSplit<?> s = SimpleVersionedSerialization.readVersionAndDeSerialize(
            FlinkSourceSplit.serializer(), split);
        KafkaIO.Read<?, ?> kafka = find(s.getBeamSplitSource(), KafkaIO.Read.class, new IdentityHashMap<>(), 0);
        if (kafka == null) {
          continue;
        }
        Object bootstrap = kafka.getConsumerConfig().get("bootstrap.servers");
        if (bootstrap != null) {
          servers.add(bootstrap.toString());
        }
        if (kafka.getTopics() != null) {
          topics.addAll(kafka.getTopics());
        }
        if (kafka.getTopicPartitions() != null) {
          for (TopicPartition tp : kafka.getTopicPartitions()) {
            topics.add(tp.topic());
            partitions.add(tp.toString());
          }
        }
      }
    }
    return topics.isEmpty() && servers.isEmpty() ? Optional.empty()
        : Optional.of(new Read(topics, servers, partitions.size()));
  }

  /**
   * Why a job with this topic and these brokers must not resume from the savepoint at
   * {@code location}, in one line; empty when it may (or when the savepoint has no Kafka split).
   */
  static Optional<String> refusal(String location, String topic, String bootstrapServers, ClassLoader classLoader)
      throws IOException {
    Optional<Read> read = read(location, classLoader);
    if (read.isEmpty()) {
      return Optional.empty();
    }
    Read r = read.get();
    if (!r.topics().equals(Set.of(topic))) {
      return Optional.of("--topic=" + topic + ", but the savepoint " + location + " reads topic "
          + String.join(",", r.topics()) + ": a job resumed from a savepoint goes on reading what the savepoint "
          + "read, so it cannot switch topics; keep --topic=" + String.join(",", r.topics())
          + ", or start without --savepointPath to compute every candle afresh from " + topic);
    }
    if (!r.bootstrapServers().equals(Set.of(bootstrapServers))) {
      return Optional.of("--bootstrapServers=" + bootstrapServers + ", but the savepoint " + location
          + " reads from " + String.join(" and ", r.bootstrapServers()) + ": a job resumed from a savepoint "
          + "connects to the brokers in it; keep --bootstrapServers=" + String.join(",", r.bootstrapServers())
          + ", or start without --savepointPath");
    }
    return Optional.empty();
  }

  /** Every element of the source reader state in these handles (one operator's subtasks). */
  private static List<byte[]> splits(Collection<OperatorStateHandle> handles, ClassLoader classLoader)
      throws IOException {
    List<byte[]> splits = new ArrayList<>();
    if (handles.isEmpty()) {
      return splits;
    }
    try (CloseableRegistry registry = new CloseableRegistry()) {
      DefaultOperatorStateBackend backend = new DefaultOperatorStateBackendBuilder(classLoader,
          new ExecutionConfig(), false, handles, registry).build();
      try {
        ListState<byte[]> state = backend.getListState(
            new ListStateDescriptor<>(SOURCE_READER_STATE, BytePrimitiveArraySerializer.INSTANCE));
        for (byte[] split : state.get()) {
          splits.add(split);
        }
      } finally {
        backend.dispose();
      }
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("cannot read the source state: " + e.getMessage(), e);
    }
    return splits;
  }

  /** The first object of type {@code type} in {@code o}'s fields, depth first, a few levels down. */
  private static <T> T find(Object o, Class<T> type, Map<Object, Boolean> seen, int depth) {
    if (o == null || depth > 6 || seen.put(o, Boolean.TRUE) != null) {
      return null;
    }
    if (type.isInstance(o)) {
      return type.cast(o);
    }
    if (o.getClass().getName().startsWith("java.") || o.getClass().isArray()) {
      return null;
    }
    for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
          continue;
        }
        try {
          f.setAccessible(true);
          T found = find(f.get(o), type, seen, depth + 1);
          if (found != null) {
            return found;
          }
        } catch (ReflectiveOperationException | RuntimeException e) {
          // A field that cannot be read holds no split configuration of ours.
        }
      }
    }
    return null;
  }
}
