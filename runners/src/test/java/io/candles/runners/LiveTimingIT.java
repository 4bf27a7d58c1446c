package io.candles.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.Test;

/**
 * Live wall-clock data at the default settings, as a user runs the pipeline: ticks stamped now,
 * produced while the pipeline (DirectRunner, the default) runs. Two busy partitions, a quiet pair
 * alone on its partition (a tick every 40 s), and a partition that receives only malformed records
 * (a format drift); a few ticks arrive minutes late and one from a clock a year ahead.
 *
 * <p>Every window that has ended must be final and equal the reference computed from the produced
 * ticks, must have become final with all its ticks (the history trigger), and must have become
 * final soon after its end: neither the quiet pair nor the dead-letter partition may hold the
 * others back. The late ticks and the future one go to the dead-letter topic, as {@code late} and
 * {@code event_time_in_future}, and nowhere else.
 */
public class LiveTimingIT {

  private static final Pattern RUNNING = Pattern.compile("Candle pipeline running on DirectRunner");
  /** A window must be final this long after its end at the latest: far longer than the defaults need. */
  private static final long FINAL_WITHIN_MILLIS = 40_000;

  @Test
  public void quietPairsAndDeadLetterPartitionsHoldNothingBackAndNothingIsFinalEarly() throws Exception {
    String bootstrap = Services.kafka().bootstrapServers();
    Database db = Services.database();
    String topic = "ticks-live";
    String table = "candles_live";
    Topics.create(bootstrap, topic, 4);
    Topics.create(bootstrap, topic + "-dlq", 1);
    CandleTable.create(db, table);
    FinalHistory history = FinalHistory.install(db, table);

    TickStream stream = new TickStream(List.of(
        TickStream.Pair.of("BTCUSDT", 0, "58000.00", "0.01"),
        TickStream.Pair.of("ETHUSDT", 0, "3000.00", "0.01"),
        TickStream.Pair.of("SOLUSDT", 1, "150.000", "0.001"),
        TickStream.Pair.of("QUIETUSDT", 2, "1.00000", "0.00001"),
        TickStream.Pair.of("DRIFTUSDT", 3, "2.00000", "0.00001")), 424242);

    List<String> args = LauncherProcess.arguments(bootstrap, topic, table, db);
    Path log = Services.dataDir("live").resolve("launcher.log");
    List<TickStream.Record> records = new ArrayList<>();
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    long stoppedAt;
    try (LauncherProcess launcher = LauncherProcess.startClasspath(log, args);
        Producer<String, byte[]> producer = Topics.producer(bootstrap)) {
      launcher.awaitOutput(RUNNING, Duration.ofSeconds(120));
      long start = System.currentTimeMillis();
      long end = start + 200_000;
      long nextQuiet = start + 5_000;
      boolean lateSent = false;
      while (System.currentTimeMillis() < end) {
        long now = System.currentTimeMillis();
        List<TickStream.Record> batch = new ArrayList<>();
        // About 30 ticks per second over three busy pairs, stamped now or a little before.
        for (int i = 0; i < 3; i++) {
          int pair = stream.random().nextInt(3);
          long lag = stream.random().nextInt(10) == 0 ? stream.random().nextInt(800) : stream.random().nextInt(50);
          batch.add(stream.tick(pair, now - lag));
        }
        // The drifting pair's producer sends nothing valid any more.
        if (stream.random().nextInt(3) == 0) {
          batch.add(stream.malformed(4, now));
        }
        if (now >= nextQuiet) {
          batch.add(stream.tick(3, now));
          nextQuiet = now + 40_000;
        }
        if (!lateSent && now > start + 100_000) {
          // Four minutes late: their earliest windows closed more than a minute ago.
          for (int pair = 0; pair < 3; pair++) {
            TickStream.Record late = stream.tick(pair, now - 4 * 60_000);
            batch.add(new TickStream.Record(late.key(), late.value(), late.partition(), late.timestamp(), null,
                "late"));
          }
          batch.add(stream.fromTheFuture(1, now));
          lateSent = true;
        }
        for (TickStream.Record r : batch) {
          records.add(r);
          sent.add(producer.send(Topics.toKafka(topic, r)));
        }
        Thread.sleep(100);
      }
      producer.flush();
      stoppedAt = System.currentTimeMillis();

      Topics.Produced produced = Topics.landed(records, sent);
      List<TickStream.Sent> ticks = produced.ticks();
      Map<String, String> expectedLetters = produced.deadLetters();
      // The windows that have ended by now (and a little): final, and exactly the reference.
      long cutoff = stoppedAt - 5_000;
      List<CandleTable.Row> expected = CandleReference.endingBy(CandleReference.candles(ticks), cutoff);
      // At least three window ends in the run, for the three busy pairs.
      assertThat(expected.size(), greaterThanOrEqualTo(9));
      assertTrue("the quiet pair has final candles to check",
          expected.stream().anyMatch(r -> r.pair().equals("QUIETUSDT")));
      CandleTable.awaitEquals(db, table, expected, r -> r.closeTime() <= cutoff, Duration.ofSeconds(90),
          launcher::tail);
      history.assertNoEarlyFinal(expected);
      for (FinalHistory.Entry e : history.entries()) {
        long closeTime = e.openTime() + CandleReference.FIVE_MINUTES;
        assertThat(e.pair() + " " + Instant.ofEpochMilli(e.openTime()) + " became final "
                + (e.loggedAt() - closeTime) + " ms after its end",
            e.loggedAt() - closeTime, lessThanOrEqualTo(FINAL_WITHIN_MILLIS));
      }
      List<Topics.Letter> letters = Topics.deadLetters(bootstrap, topic + "-dlq");
      Map<String, String> actual = new HashMap<>();
      for (Topics.Letter l : letters) {
        actual.put(l.source().substring(l.source().indexOf('/') + 1), l.reason());
      }
      assertEquals(expectedLetters, actual);
    }
  }
}
