package io.candles.runners;

import io.candles.pipeline.CandleOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.beam.runners.flink.FlinkPipelineOptions;

/**
 * The Flink runner's streaming settings for the candle pipeline, chosen for latency (a tick should
 * reach its candle row within about 500 ms) and for exactly-once results. Each one is applied only
 * when the command line does not set that option itself, so any of them can be overridden, e.g.
 * {@code --maxBundleTimeMills=200}.
 *
 * <p>{@link #warnings} names settings the user chose that break exactly-once for this pipeline.
 *
 * <p>What is deliberately left to the Flink configuration of the cluster ({@code config.yaml}, as
 * written by {@code scripts/flink-cluster.sh} and docker-compose) rather than set per job:
 *
 * <ul>
 *   <li><b>State backend</b>: {@code state.backend.type: hashmap} with
 *       {@code state.checkpoints.dir} on a file system every JobManager and TaskManager sees. The
 *       pipeline's state is small (one OHLC accumulator per pair and open window, plus the Kafka
 *       offsets), so the heap backend is the fastest choice; RocksDB (not bundled) only pays off with
 *       millions of keys or very large windows. The storage path belongs to the deployment, not to
 *       the job. A job can still choose with {@code --stateBackend=filesystem
 *       --stateBackendStoragePath=file:///...}. On {@code [local]} Flink keeps checkpoints in the
 *       JobManager's memory, which is all a mini-cluster that dies with its JVM can use.
 *   <li><b>Restart strategy</b>: {@code restart-strategy.type: exponential-delay} (1 s doubling to
 *       30 s, unlimited attempts, back to 1 s after 10 min without failure). Flink 1.19 uses
 *       exponential-delay by default whenever checkpointing is on (so also on {@code [local]}). A
 *       lost TaskManager or a Kafka/PostgreSQL outage is transient: retry forever, but without
 *       hammering a service that is down. {@code --numberOfExecutionRetries=N
 *       --executionRetryDelay=MS} replaces it by a fixed-delay strategy for one job.
 *   <li><b>Network buffer timeout</b>: {@code execution.buffer-timeout.interval: 10 ms} (Flink's
 *       default is 100 ms per network exchange; the pipeline has two: into the window's
 *       GroupByKey and into the JDBC writer).
 * </ul>
 */
final class FlinkDefaults {

  /**
   * Bundle size cap. A bundle ends after this many elements or {@link #MAX_BUNDLE_TIME_MILLIS},
   * whichever comes first, and whatever an operator holds back until the end of a bundle goes out
   * then: {@code CombineTicksInBundle}'s partial candles, one per pair and window period in the
   * bundle, and with {@link #EARLY_FIRING_DELAY} an early pane of each window they reach. So every
   * bundle costs a firing and a row write per pair and open window, however few ticks it holds.
   * The cap is set far above what a worker reads in one {@link #MAX_BUNDLE_TIME_MILLIS}, so that
   * the time cap ends bundles under a backlog as it does under live load: a backlog then fires
   * the windows no more often than live load, and each partial carries more ticks. A lower cap
   * (it was 4000) cut bundles short under a backlog, and with per-bundle firings that cost a third
   * of the backlog throughput (README, Performance, "The tail").
   */
  static final long MAX_BUNDLE_SIZE = 100_000;

  /**
   * Bundle time cap. Beam's streaming default is 1000 ms, and whatever an operator holds until the
   * end of a bundle waits that long. Here that is {@code CombineTicksInBundle}'s partial candles
   * and, with {@link #EARLY_FIRING_DELAY}, the early firing itself: at light load a tick waits for
   * its bundle's end and then for nothing else but the network and the database, and each pair's
   * five open windows are written once per bundle. So this one number trades latency against row
   * writes. A bundle lasts this long or half as long again: Beam's Flink runner checks every half
   * of this whether the bundle is this old since the last one ended, and a check that finds it a
   * millisecond short lets it run to the next one (the benchmark prints the real length, as how
   * often a row is rewritten). On a quiet stream more than this has passed since the last bundle
   * ended when a lone tick opens one, so the next check, at most half of this later, ends it. {@code --partialCandleInterval} with twice this cap bounds the wait on a busy stream
   * instead, but a quiet stream then waits for checks twice as far apart (README, "The tail"). It
   * ends bundles under a backlog too, since {@link #MAX_BUNDLE_SIZE} is above what a worker reads
   * in this time.
   */
  static final long MAX_BUNDLE_TIME_MILLIS = 100;

  /**
   * The early firing: one per bundle ({@code --earlyFiringDelay=0ms}) rather than the pipeline's
   * default, a delay after the first partial of a pane. With the delay a tick waits for two timers
   * in a row, its bundle's end and then the firing; per bundle it waits for one. Against the
   * pipeline's default (100 ms delay, 50 ms bundles) per-bundle firing with
   * {@link #MAX_BUNDLE_TIME_MILLIS} lowered p50, p95 and p99 for about the same row writes and CPU.
   * The DirectRunner keeps the delay: these bundle caps are the Flink runner's, not its.
   */
  static final String EARLY_FIRING_DELAY = "0ms";

  /**
   * Checkpoint interval. The upsert writes immediately (it is idempotent, not transactional), so
   * checkpoints add no output latency: they only bound how much is re-read after a failure (at most
   * this much of the tick stream) and each costs one small snapshot.
   */
  static final long CHECKPOINTING_INTERVAL_MILLIS = 10_000;

  /**
   * Exactly-once (aligned) checkpoints are what make the counts right after a restore: the window
   * accumulators and the Kafka offsets in a checkpoint reflect exactly the same ticks. With
   * at-least-once barriers a restored accumulator could already contain ticks that are then read
   * again, and the upsert guard cannot undo a count that is too high.
   */
  static final String CHECKPOINTING_MODE = FlinkPipelineOptions.EXACTLY_ONCE;

  /**
   * A checkpoint that has not completed in a minute is abandoned rather than holding barriers (and
   * so, with aligned checkpoints, some input channels) for Flink's default ten minutes.
   */
  static final long CHECKPOINT_TIMEOUT_MILLIS = 60_000;

  /** At least this long between checkpoints, so a slow one never makes them back to back. */
  static final long MIN_PAUSE_BETWEEN_CHECKPOINTS_MILLIS = 2_000;

  /**
   * Object reuse: Flink hands an element to the next chained operator without a defensive copy.
   * Safe here because Beam elements are immutable once output (the model forbids mutating them,
   * and this pipeline's DoFns never do) and Beam's serializers always deserialize into new objects;
   * it saves a copy per element and operator.
   */
  static final boolean OBJECT_REUSE = true;

  /**
   * Faster copy stays OFF, deliberately, and the launcher warns when it is turned on. With it,
   * Beam's Flink serializers "copy" by returning the same object, and the heap state backend relies
   * on those copies to keep an asynchronous checkpoint snapshot apart from the state that processing
   * goes on changing. OhlcCombineFn's accumulator is mutated in place, so with faster copy a
   * snapshot can take in ticks that arrive after its barrier; after a restore those ticks are read
   * again from the checkpointed offsets and counted twice. FlinkTaskManagerKillIT caught exactly
   * that (candles with 19 ticks too many after a TaskManager was killed).
   */
  static final boolean FASTER_COPY = false;

  /**
   * How often sources emit watermarks. The watermark only drives the final (on-time) panes, whose
   * deadline is the window end plus the out-of-orderness, seconds away; Beam's Flink source
   * otherwise emits one every 10 ms, each of which every downstream operator has to process.
   */
  static final long AUTO_WATERMARK_INTERVAL_MILLIS = 100;

  /**
   * Flink's maximum parallelism: how many key groups the window state is cut into, and, for Beam's
   * Flink runner, how many splits a source is cut into when a job starts fresh (KafkaIO makes at
   * most one per partition). Both are fixed in every savepoint. With a split per partition from the
   * start, a job resumed at a higher parallelism spreads them over the new workers; splits made one
   * per worker (Beam's default, from the parallelism) could not be spread. 128 is what Flink derives
   * anyway for a parallelism up to 85, so savepoints taken before keep their key groups. Never change
   * it for a running job: a savepoint restores only into the same maximum parallelism.
   */
  static final int MAX_PARALLELISM = 128;

  private static final Pattern SLOTS_AVAILABLE = Pattern.compile("\"slots-available\"\\s*:\\s*(\\d+)");
  private static final Pattern SLOTS_TOTAL = Pattern.compile("\"slots-total\"\\s*:\\s*(\\d+)");

  private FlinkDefaults() {}

  /** The network buffer timeout's key, as in the session cluster's configuration. */
  static final String BUFFER_TIMEOUT_KEY = "execution.buffer-timeout.interval";

  /**
   * A client configuration directory: a config.yaml with the buffer timeout. Its name is derived
   * from its content, so every launch with the same settings shares one directory instead of
   * leaving a new one behind whenever a launcher is killed before its delete-on-exit hooks run.
   */
  static String localConfDir(long bufferTimeoutMillis) {
    String yaml = "# Written by the candle pipeline's launcher.\n" + BUFFER_TIMEOUT_KEY + ": "
        + bufferTimeoutMillis + " ms\n";
    Path dir = Paths.get(System.getProperty("java.io.tmpdir"),
        "candles-flink-conf-" + Integer.toHexString(yaml.hashCode()) + "-"
            + System.getProperty("user.name", "user"));
    try {
      Path file = dir.resolve("config.yaml");
      if (!Files.isRegularFile(file) || !Files.readString(file).equals(yaml)) {
        Files.createDirectories(dir);
        // Written aside and moved, so a launcher starting at the same moment never reads half a file.
        Path tmp = Files.createTempFile(dir, "config", ".tmp");
        Files.writeString(tmp, yaml);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      return dir.toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a Flink configuration directory in " + dir, e);
    }
  }

  /** Whether the job runs in a mini-cluster inside this JVM rather than on a cluster. */
  static boolean isLocal(FlinkPipelineOptions o) {
    String master = o.getFlinkMaster();
    return master == null || master.equals("[local]") || master.equals("[auto]");
  }

  /**
   * Applies this runner's defaults for the pipeline's own options ({@link #EARLY_FIRING_DELAY}),
   * before they are read, when {@code given} does not name them; returns what it applied.
   */
  static List<String> applyToPipeline(CandleOptions o, Set<String> given) {
    if (given.contains("earlyFiringDelay")) {
      return List.of();
    }
    o.setEarlyFiringDelay(EARLY_FIRING_DELAY);
    return List.of("--earlyFiringDelay=" + EARLY_FIRING_DELAY);
  }

  /**
   * Applies every setting that {@code given} (the option names on the command line) does not
   * name, and returns what it applied, as {@code --name=value}, for the log.
   *
   * @param partitions the partitions of the tick topic, if known: more readers than partitions
   *     would idle, so parallelism defaults to at most this
   */
  static List<String> apply(FlinkPipelineOptions o, Set<String> given, OptionalInt partitions,
      long bufferTimeoutMillis) {
    List<String> applied = new ArrayList<>();
    boolean local = isLocal(o);
    if (!given.contains("maxBundleSize")) {
      o.setMaxBundleSize(MAX_BUNDLE_SIZE);
      applied.add("--maxBundleSize=" + MAX_BUNDLE_SIZE);
    }
    if (!given.contains("maxBundleTimeMills")) {
      o.setMaxBundleTimeMills(MAX_BUNDLE_TIME_MILLIS);
      applied.add("--maxBundleTimeMills=" + MAX_BUNDLE_TIME_MILLIS);
    }
    if (!given.contains("checkpointingInterval")) {
      o.setCheckpointingInterval(CHECKPOINTING_INTERVAL_MILLIS);
      applied.add("--checkpointingInterval=" + CHECKPOINTING_INTERVAL_MILLIS);
    }
    if (!given.contains("checkpointingMode")) {
      o.setCheckpointingMode(CHECKPOINTING_MODE);
      applied.add("--checkpointingMode=" + CHECKPOINTING_MODE);
    }
    if (!given.contains("checkpointTimeoutMillis")) {
      o.setCheckpointTimeoutMillis(CHECKPOINT_TIMEOUT_MILLIS);
      applied.add("--checkpointTimeoutMillis=" + CHECKPOINT_TIMEOUT_MILLIS);
    }
    if (!given.contains("minPauseBetweenCheckpoints")) {
      o.setMinPauseBetweenCheckpoints(MIN_PAUSE_BETWEEN_CHECKPOINTS_MILLIS);
      applied.add("--minPauseBetweenCheckpoints=" + MIN_PAUSE_BETWEEN_CHECKPOINTS_MILLIS);
    }
    if (!given.contains("autoWatermarkInterval")) {
      o.setAutoWatermarkInterval(AUTO_WATERMARK_INTERVAL_MILLIS);
      applied.add("--autoWatermarkInterval=" + AUTO_WATERMARK_INTERVAL_MILLIS);
    }
    if (!given.contains("objectReuse")) {
      o.setObjectReuse(OBJECT_REUSE);
      applied.add("--objectReuse=" + OBJECT_REUSE);
    }
    if (!given.contains("fasterCopy")) {
      o.setFasterCopy(FASTER_COPY);
      applied.add("--fasterCopy=" + FASTER_COPY);
    }
    if (!given.contains("maxParallelism")) {
      o.setMaxParallelism(MAX_PARALLELISM);
      applied.add("--maxParallelism=" + MAX_PARALLELISM);
    }
    if (!given.contains("flinkConfDir")) {
      // The buffer timeout is the job's, set by the client that builds the job graph from
      // --flinkConfDir (a cluster's own config.yaml does not change it for submitted jobs); else
      // Flink's 100 ms default holds records up to 100 ms at each of the two network exchanges.
      String dir = localConfDir(bufferTimeoutMillis);
      o.setFlinkConfDir(dir);
      applied.add("--flinkConfDir=" + dir + " (" + BUFFER_TIMEOUT_KEY + ": " + bufferTimeoutMillis
          + " ms, from --networkBufferTimeout)");
    }
    if (!local) {
      // Keep the last checkpoint when the job is cancelled or fails for good, so it can be resumed
      // from it (--savepointPath=<checkpoint dir>). Needs state.checkpoints.dir on the cluster,
      // which a mini-cluster does not have, hence remote only.
      if (!given.contains("externalizedCheckpointsEnabled")) {
        o.setExternalizedCheckpointsEnabled(true);
        applied.add("--externalizedCheckpointsEnabled=true");
      }
      if (!given.contains("retainExternalizedCheckpointsOnCancellation")) {
        o.setRetainExternalizedCheckpointsOnCancellation(true);
        applied.add("--retainExternalizedCheckpointsOnCancellation=true");
      }
      // Submit and return, as 'flink run -d' does: the job belongs to the cluster, not to the
      // JVM that submitted it (which would otherwise have to stay up for as long as the job).
      if (!given.contains("attachedMode")) {
        o.setAttachedMode(false);
        applied.add("--attachedMode=false");
      }
    }
    if (!given.contains("parallelism")) {
      int parallelism = defaultParallelism(o, local, partitions);
      o.setParallelism(parallelism);
      applied.add("--parallelism=" + parallelism);
    }
    return applied;
  }

  /** Warnings about settings that break this pipeline's exactly-once results. */
  static List<String> warnings(FlinkPipelineOptions o) {
    List<String> warnings = new ArrayList<>();
    if (Boolean.TRUE.equals(o.getFasterCopy())) {
      warnings.add("--fasterCopy=true lets a checkpoint take in ticks that arrive after it (the candle "
          + "accumulator is mutated in place), so a restore can count them twice; leave it false");
    }
    if (o.getCheckpointingInterval() == null || o.getCheckpointingInterval() <= 0) {
      warnings.add("checkpointing is off: a failure restarts the job from the earliest offsets with empty "
          + "state (the upsert converges, but the whole topic is read again)");
    } else if (!CHECKPOINTING_MODE.equals(o.getCheckpointingMode())) {
      warnings.add("--checkpointingMode=" + o.getCheckpointingMode() + " can count a tick twice after a "
          + "restore; use EXACTLY_ONCE");
    }
    return warnings;
  }

  /**
   * One reader per partition at most (a reader without a partition only idles), and no more than
   * the cores of a local run or the free slots of the cluster (a job needs one slot per parallel
   * instance, and waits forever for slots that do not exist).
   */
  static int defaultParallelism(FlinkPipelineOptions o, boolean local, OptionalInt partitions) {
    int parallelism = partitions.orElse(1);
    if (local) {
      parallelism = Math.min(parallelism, Runtime.getRuntime().availableProcessors());
    } else {
      OptionalInt slots = clusterSlots(o.getFlinkMaster());
      if (slots.isPresent()) {
        parallelism = Math.min(parallelism, slots.getAsInt());
      }
    }
    return Math.max(1, parallelism);
  }

  /** The free slots of the cluster (all slots if none is free), from its REST API; empty if it does not answer. */
  static OptionalInt clusterSlots(String master) {
    String base = master.startsWith("http://") || master.startsWith("https://") ? master : "http://" + master;
    try {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      HttpResponse<String> response = client.send(
          HttpRequest.newBuilder(URI.create(base + "/overview")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        return OptionalInt.empty();
      }
      Matcher available = SLOTS_AVAILABLE.matcher(response.body());
      Matcher total = SLOTS_TOTAL.matcher(response.body());
      if (available.find() && Integer.parseInt(available.group(1)) > 0) {
        return OptionalInt.of(Integer.parseInt(available.group(1)));
      }
      return total.find() ? OptionalInt.of(Integer.parseInt(total.group(1))) : OptionalInt.empty();
    } catch (java.io.IOException | IllegalArgumentException e) {
      return OptionalInt.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalInt.empty();
    }
  }
}
