package io.candles.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.candles.testkit.CandleReference;
import io.candles.testkit.CandleTable;
import io.candles.testkit.Database;
import io.candles.testkit.FinalHistory;
import io.candles.testkit.Services;
import io.candles.testkit.TickStream;
import io.candles.testkit.Topics;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;

/**
 * A user's first start on a topic that already holds a backlog, at the default settings, as the
 * README shows it ({@code java -jar candles-pipeline.jar [--runner=FlinkRunner] ...}): minutes-old
 * ticks (a restart after an outage) and years-old ticks (a replay), with ties, disorder, malformed
 * and poison records, a tick from a clock a year ahead, mixed time formats, more pairs than
 * partitions and one partition empty. The whole table must equal candles computed independently
 * from the same records, every row final, and no row may have been final before all its ticks
 * were in (the history trigger would show it). Each runner runs five seeds: a race that loses one
 * run in three does not pass here.
 */
@RunWith(Parameterized.class)
public class BacklogStartIT {

  private static final long MINUTE = 60_000L;
  private static final Pattern RUNNING = Pattern.compile("Candle pipeline running on");

  /**
   * Five seeds per runner. To hunt a rare failure, {@code -Dbacklog.runners=DirectRunner
   * -Dbacklog.seeds=20} runs more seeds of one runner (the first five are always the suite's).
   */
  @Parameters(name = "{0}, {1} ticks, seed {2}")
  public static List<Object[]> runs() {
    List<Object[]> runs = new ArrayList<>();
    int seeds = Integer.getInteger("backlog.seeds", 5);
    for (String runner : System.getProperty("backlog.runners", "DirectRunner FlinkRunner").split("\\s+")) {
      for (int i = 0; i < seeds; i++) {
        runs.add(new Object[] {runner, i % 2 == 0 ? "minutes-old" : "years-old", 20211014L + i * 7919L});
      }
    }
    return runs;
  }

  private final String runner;
  private final String age;
  private final long seed;

  public BacklogStartIT(String runner, String age, long seed) {
    this.runner = runner;
    this.age = age;
    this.seed = seed;
  }

  @Test
  public void theTableEqualsTheReferenceEveryRowFinalAndNoneFinalEarly() throws Exception {
    String bootstrap = Services.kafka().bootstrapServers();
    Database db = Services.database();
    String name = "backlog_" + runner.toLowerCase() + "_" + seed;
    String topic = name.replace('_', '-');
    String table = "candles_" + name;
    // The broker deletes records by timestamp (the event time, by the contract) once they are
    // older than the topic's retention, read or not: a replay of old ticks keeps them first, as
    // the README says and the launcher's warning asks (CandlesLauncherIT).
    Topics.create(bootstrap, topic, 4, Map.of("retention.ms", "-1"));
    Topics.create(bootstrap, topic + "-dlq", 1);

    // Five pairs on partitions 0, 0, 1, 1, 2: more pairs than partitions, and partition 3 empty.
    TickStream stream = new TickStream(List.of(
        TickStream.Pair.of("BTCUSDT", 0, "58000.00", "0.01"),
        TickStream.Pair.of("ETHUSDT", 0, "3000.00", "0.01"),
        TickStream.Pair.of("SOLUSDT", 1, "150.000", "0.001"),
        TickStream.Pair.of("XRPUSDT", 1, "0.60000", "0.00001"),
        TickStream.Pair.of("DOGEUSDT", 2, "0.1500000", "0.0000001")), seed);
    long now = System.currentTimeMillis();
    long from = age.equals("minutes-old")
        ? (now / MINUTE) * MINUTE - 21 * MINUTE
        : Instant.parse("2021-10-14T18:40:00Z").toEpochMilli() + (seed % 1000) * MINUTE;
    // Fourteen minutes of event time, about 15,000 records, 5 % ties, up to 800 ms of disorder
    // (within the default 2 s out-of-orderness), about 25 malformed.
    List<TickStream.Record> records = new ArrayList<>(stream.backlog(from, from + 14 * MINUTE, 55, 20, 800, 600));
    records.add(records.size() / 2, stream.fromTheFuture(2, now));
    records.addAll(records.size() / 3, stream.poison(1, from + 7 * MINUTE));
    Topics.Produced produced = Topics.produce(bootstrap, topic, records);
    assertThat(produced.ticks().size(), greaterThan(12_000));
    List<CandleTable.Row> expected = CandleReference.candles(produced.ticks());

    CandleTable.create(db, table);
    FinalHistory history = FinalHistory.install(db, table);
    List<String> args = LauncherProcess.arguments(bootstrap, topic, table, db);
    if (runner.equals("FlinkRunner")) {
      args.add("--runner=FlinkRunner");
    }
    Path log = Services.dataDir(name).resolve("launcher.log");
    try (LauncherProcess launcher = LauncherProcess.startJar(log, args)) {
      launcher.awaitOutput(RUNNING, Duration.ofSeconds(120));
      try {
        CandleTable.awaitEquals(db, table, expected, Duration.ofSeconds(240), launcher::tail);
      } catch (AssertionError e) {
        // Say which kind of failure this is: a window final before its ticks were in (the worst),
        // ticks dead-lettered as late, or only a pipeline that stopped making progress.
        throw new AssertionError(e.getMessage() + "\n" + diagnosis(bootstrap, topic + "-dlq", history, expected), e);
      }
      history.assertNoEarlyFinal(expected);
      assertDeadLetters(bootstrap, topic + "-dlq", produced.deadLetters());
      assertTrue("the pipeline is still running: " + launcher.tail(), launcher.isAlive());
    }
  }

  /** The final-history check and the dead letters by reason, as one text for a failure message. */
  private static String diagnosis(String bootstrap, String dlq, FinalHistory history, List<CandleTable.Row> expected) {
    StringBuilder d = new StringBuilder("diagnosis: ");
    try {
      history.assertNoEarlyFinal(expected);
      d.append("no row was final before all its ticks were in; ");
    } catch (AssertionError | SQLException e) {
      d.append("EARLY FINAL: ").append(e.getMessage()).append("; ");
    }
    Map<String, Integer> reasons = new TreeMap<>();
    for (Topics.Letter l : Topics.deadLetters(bootstrap, dlq)) {
      reasons.merge(l.reason(), 1, Integer::sum);
    }
    return d.append("dead letters by reason ").append(reasons).toString();
  }

  /** Every rejected record is in the dead-letter topic with its reason, capped; nothing else is. */
  private static void assertDeadLetters(String bootstrap, String dlq, Map<String, String> expected)
      throws InterruptedException {
    List<Topics.Letter> letters = List.of();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      letters = Topics.deadLetters(bootstrap, dlq);
      if (letters.size() >= expected.size()) {
        break;
      }
      Thread.sleep(1000);
    }
    Map<String, String> actual = new HashMap<>();
    for (Topics.Letter l : letters) {
      actual.put(l.source().substring(l.source().indexOf('/') + 1), l.reason());
      if (l.raw() != null) {
        assertThat("a dead letter's raw payload is capped", l.raw().length(), lessThanOrEqualTo(64 * 1024));
      }
    }
    assertEquals("dead letters (the pipeline may write one twice, never miss one)", expected.size(), actual.size());
    for (Map.Entry<String, String> e : expected.entrySet()) {
      String reason = actual.get(e.getKey());
      assertTrue("no dead letter for the record at " + e.getKey(), reason != null);
      if (!e.getValue().equals(TickStream.ANY_REASON)) {
        assertThat("the reason of the record at " + e.getKey(), reason, is(e.getValue()));
      } else {
        assertTrue(reason + " is one of the contract's reasons", !reason.isEmpty() && !reason.equals("late"));
      }
    }
    assertTrue("some poison was cut to the cap and marked", letters.stream().anyMatch(Topics.Letter::truncated));
  }
}
