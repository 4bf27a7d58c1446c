package io.candles.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.Assert.assertTrue;

import io.candles.testkit.CandleReference;
import io.candles.testkit.CandleTable;
import io.candles.testkit.Database;
import io.candles.testkit.Services;
import io.candles.testkit.TickStream;
import io.candles.testkit.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.Test;

/**
 * A crash and a restart on the DirectRunner, which keeps no checkpoints. The topic's retention
 * holds much older data, an hour of ticks from three hours before, which the first run turns into
 * final candles. Then ticks stream in; the pipeline's JVM is killed with kill -9 mid-stream, and
 * the very same command is run again.
 *
 * <p>The restart must read from the first tick of the earliest window not yet final, not from
 * offset 0 (the launcher's "Start:" line gives each partition's offset, past the old hour), and the
 * whole table must end equal to the reference computed from every record in the topic, every row
 * final, none final before all its ticks were in.
 */
public class DirectRunnerKillIT {

  private static final Pattern RUNNING = Pattern.compile("Candle pipeline running on DirectRunner");
  private static final Pattern START = Pattern.compile("Start: (.*)");
  private static final Pattern OFFSET = Pattern.compile("/(\\d+)@(\\d+)");
  private static final long MINUTE = 60_000L;

  @Test
  public void aRestartAfterKillReadsFromTheEarliestOpenWindowAndConverges() throws Exception {
    FailureRun run = FailureRun.create("directkill", 4, 20211015);
    String bootstrap = run.bootstrap;
    Database db = run.db;
    String topic = run.topic;
    String table = run.table;
    TickStream stream = run.stream;

    long now = System.currentTimeMillis();
    long oldFrom = (now / MINUTE) * MINUTE - 180 * MINUTE;
    Topics.Produced old = Topics.produce(bootstrap, topic, stream.backlog(oldFrom, oldFrom + 60 * MINUTE, 200, 20, 800, 300));
    Map<Integer, Long> oldEnd = new HashMap<>();
    for (TickStream.Sent s : old.ticks()) {
      oldEnd.merge(s.partition(), s.offset() + 1, Math::max);
    }
    List<String> args = run.arguments();
    Path dir = Services.dataDir("directkill");
    List<TickStream.Record> streamed = new ArrayList<>();
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    long stoppedAt;
    try (Producer<String, byte[]> producer = Topics.producer(bootstrap)) {
      try (LauncherProcess first = LauncherProcess.startClasspath(dir.resolve("first.log"), args)) {
        first.awaitOutput(RUNNING, Duration.ofSeconds(120));
        // The old hour is final first: the restart must not read it again.
        CandleTable.awaitEquals(db, table, CandleReference.candles(old.ticks()), Duration.ofSeconds(180), first::tail);
        // Then live ticks, about 40 a second, until a good part of them is in the table.
        long oldSum = CandleTable.tickCountSum(db, table);
        long deadline = System.currentTimeMillis() + 120_000;
        while (CandleTable.tickCountSum(db, table) < oldSum + 3_000 || streamed.size() < 1_200) {
          assertTrue("no progress on the live ticks; " + first.tail(),
              System.currentTimeMillis() < deadline && first.isAlive());
          sendLive(stream, producer, topic, streamed, sent);
        }
        first.kill();
      }
      // Ticks keep coming while it is down, and after it is back.
      for (int i = 0; i < 50; i++) {
        sendLive(stream, producer, topic, streamed, sent);
      }
      Path log = dir.resolve("second.log");
      try (LauncherProcess second = LauncherProcess.startClasspath(log, args)) {
        second.awaitOutput(RUNNING, Duration.ofSeconds(120));
        String start = lastStartLine(log);
        assertTrue("the restart resumes from what is final: " + start, start.contains("is final and stays"));
        Matcher m = OFFSET.matcher(start);
        int partitions = 0;
        while (m.find()) {
          int partition = Integer.parseInt(m.group(1));
          long offset = Long.parseLong(m.group(2));
          assertThat("partition " + partition + " is read from past the old hour: " + start, offset,
              greaterThanOrEqualTo(oldEnd.getOrDefault(partition, 0L)));
          partitions++;
        }
        assertThat(partitions, greaterThanOrEqualTo(4));
        long until = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < until) {
          sendLive(stream, producer, topic, streamed, sent);
        }
        producer.flush();
        stoppedAt = System.currentTimeMillis();

        List<TickStream.Sent> ticks = new ArrayList<>(old.ticks());
        for (int i = 0; i < streamed.size(); i++) {
          RecordMetadata md = sent.get(i).get();
          ticks.add(streamed.get(i).tick().at(md.partition(), md.offset()));
        }
        assertThat(ticks.size(), greaterThan(15_000));
        // Windows ended by the end of the stream are final and exact; the open ones exact so far.
        run.assertConverged(ticks, stoppedAt, Duration.ofSeconds(120), second::tail);
        assertTrue("the second run is still running", second.isAlive());
      }
    }
  }

  /** A tenth of a second of live ticks: four, stamped now or a little before. */
  private static void sendLive(TickStream stream, Producer<String, byte[]> producer, String topic,
      List<TickStream.Record> streamed, List<Future<RecordMetadata>> sent) throws InterruptedException {
    long now = System.currentTimeMillis();
    for (int i = 0; i < 4; i++) {
      TickStream.Record r = stream.tick(stream.random().nextInt(4), now - stream.random().nextInt(300));
      streamed.add(r);
      sent.add(producer.send(Topics.toKafka(topic, r)));
    }
    Thread.sleep(100);
  }

  private static String lastStartLine(Path log) throws java.io.IOException {
    Matcher m = START.matcher(Files.readString(log));
    String last = "";
    while (m.find()) {
      last = m.group(1);
    }
    return last;
  }
}
