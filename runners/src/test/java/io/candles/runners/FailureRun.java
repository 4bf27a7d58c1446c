package io.candles.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.Assert.assertTrue;

import io.candles.flinkcluster.FlinkCluster;
import io.candles.testkit.CandleTable;
import io.candles.testkit.Database;
import io.candles.testkit.FinalHistory;
import io.candles.testkit.LiveTicks;
import io.candles.testkit.Services;
import io.candles.testkit.TickStream;
import io.candles.testkit.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * What the failure tests share: a topic of their own and its dead-letter topic, a candle table of
 * their own with the history of when its rows became final, a stream of ticks over four pairs, the
 * pipeline at its defaults, and the check they end with: the table holds exactly the candles of
 * every tick produced, each window that has ended is final, and none was final before all its ticks
 * were in.
 */
final class FailureRun {
  static final Pattern JOB_ID = Pattern.compile("Flink job ([0-9a-f]{32}) submitted");
  /** Windows that ended this long before the last tick must be final (the watermark trails it). */
  private static final long SETTLED_MILLIS = 5_000;

  final String bootstrap;
  final Database db;
  final String topic;
  final String table;
  final FinalHistory history;
  final TickStream stream;

  private FailureRun(String bootstrap, Database db, String topic, String table, FinalHistory history,
      TickStream stream) {
    this.bootstrap = bootstrap;
    this.db = db;
    this.topic = topic;
    this.table = table;
    this.history = history;
    this.stream = stream;
  }

  /** Topic ticks-NAME of {@code partitions}, table candles_NAME in the tests' database, four pairs. */
  static FailureRun create(String name, int partitions, long seed) throws Exception {
    return create(name, partitions, Services.database(), pairs(partitions, seed));
  }

  /** The same in {@code db}, with these ticks. */
  static FailureRun create(String name, int partitions, Database db, TickStream stream) throws Exception {
    String bootstrap = Services.kafka().bootstrapServers();
    String topic = "ticks-" + name;
    String table = "candles_" + name;
    Topics.create(bootstrap, topic, partitions);
    Topics.create(bootstrap, topic + "-dlq", 1);
    CandleTable.create(db, table);
    return new FailureRun(bootstrap, db, topic, table, FinalHistory.install(db, table), stream);
  }

  /** Four pairs, spread over {@code partitions} (one each of four). */
  static TickStream pairs(int partitions, long seed) {
    return new TickStream(List.of(
        TickStream.Pair.of("BTCUSDT", 0, "58000.00", "0.01"),
        TickStream.Pair.of("ETHUSDT", 1 % partitions, "3000.00", "0.01"),
        TickStream.Pair.of("SOLUSDT", 2 % partitions, "150.000", "0.001"),
        TickStream.Pair.of("XRPUSDT", 3 % partitions, "0.60000", "0.00001")), seed);
  }

  /** The launcher's options for this run; everything else at its default. */
  List<String> arguments() {
    return LauncherProcess.arguments(bootstrap, topic, table, db);
  }

  /** The options of a job on {@code cluster} at parallelism 2 (the cluster's slots), else the defaults. */
  List<String> flinkArguments(FlinkCluster cluster, String jobName, String... more) {
    List<String> args = new ArrayList<>(arguments());
    args.addAll(List.of("--runner=FlinkRunner", "--flinkMaster=" + cluster.restAddress(), "--parallelism=2",
        "--jobName=" + jobName));
    args.addAll(List.of(more));
    return args;
  }

  /** Submits a job with these options (its log: {@code log}) and waits until all its tasks run. */
  static FlinkRest submit(FlinkCluster cluster, Path log, List<String> args) throws InterruptedException {
    String jobId;
    try (LauncherProcess submit = LauncherProcess.startJar(log, args)) {
      jobId = submit.awaitOutput(JOB_ID, Duration.ofSeconds(120));
    }
    FlinkRest job = new FlinkRest(cluster, jobId);
    job.await("all tasks running", FlinkRest::allTasksRunning, Duration.ofSeconds(90));
    return job;
  }

  /** Live ticks, {@code perSecond} over {@code length}. */
  LiveTicks live(int perSecond, Duration length) {
    return live(perSecond, length, Map.of());
  }

  /** The same with more producer settings. */
  LiveTicks live(int perSecond, Duration length, Map<String, Object> settings) {
    return LiveTicks.start(bootstrap, topic, stream, perSecond, length, settings);
  }

  /** Waits, mid-stream, for {@code checkpoints} completed checkpoints with candles in the table. */
  void awaitCheckpointMidStream(FlinkRest job, LiveTicks ticks, int checkpoints) throws InterruptedException {
    job.await("a completed checkpoint with candles in the table",
        j -> j.completedCheckpoints() >= checkpoints && ticks.produced() > 500
            && CandleTable.tickCountSum(db, table) > 0, Duration.ofSeconds(120));
  }

  /** Fails unless the stream is still in its first half: the failure hits it mid-stream. */
  static void assertMidStream(LiveTicks ticks, String when) {
    int produced = ticks.produced();
    assertTrue("the stream must still be flowing " + when + ": " + produced + " of " + ticks.total(),
        produced < ticks.total() / 2);
  }

  /**
   * Waits for the end of the stream, then for the table to hold exactly the candles of every tick
   * produced (at least {@code atLeast}): final for the windows that ended, none final early.
   */
  List<TickStream.Sent> assertConverged(LiveTicks ticks, int atLeast, Duration timeout, Supplier<String> context)
      throws Exception {
    List<TickStream.Sent> sent = ticks.awaitDone(Duration.ofSeconds(240)).ticks();
    assertThat(sent.size(), greaterThanOrEqualTo(atLeast));
    assertConverged(sent, ticks.stoppedAt(), timeout, context);
    return sent;
  }

  /** The same for ticks produced by the test, the last at {@code stoppedAt}. */
  void assertConverged(List<TickStream.Sent> ticks, long stoppedAt, Duration timeout, Supplier<String> context)
      throws Exception {
    List<CandleTable.Row> settled =
        CandleTable.awaitLive(db, table, ticks, stoppedAt - SETTLED_MILLIS, timeout, context);
    assertTrue("windows ended while the ticks flowed", !settled.isEmpty());
    history.assertNoEarlyFinal(settled);
  }
}
