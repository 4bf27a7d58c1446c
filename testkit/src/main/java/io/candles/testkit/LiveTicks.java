package io.candles.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * A live feed: ticks of a {@link TickStream} stamped with the clock as they are produced (now, one
 * in ten up to 800 ms before, within the default out-of-orderness; one record in 80 malformed), at
 * a steady pace from a thread of its own, so a test can break things while they flow. It knows
 * where each record landed once it is done.
 */
public final class LiveTicks implements AutoCloseable {
  private final TickStream stream;
  private final int total;
  private final List<TickStream.Record> records = new ArrayList<>();
  private final List<Future<RecordMetadata>> sent = new ArrayList<>();
  private final AtomicInteger produced = new AtomicInteger();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final Thread thread;
  private volatile long stoppedAt;
  private volatile boolean stop;

  private LiveTicks(String bootstrap, String topic, TickStream stream, int perSecond, Duration length,
      Map<String, Object> settings) {
    this.stream = stream;
    this.total = (int) (perSecond * length.toMillis() / 1000);
    this.thread = new Thread(() -> run(bootstrap, topic, perSecond, settings), "live-ticks");
    thread.setDaemon(true);
    thread.start();
  }

  /** {@code perSecond} records a second over {@code length}, over all of the stream's pairs. */
  public static LiveTicks start(String bootstrap, String topic, TickStream stream, int perSecond, Duration length) {
    return start(bootstrap, topic, stream, perSecond, length, Map.of());
  }

  /** The same with more producer settings (metadata.max.age.ms, to see new partitions soon). */
  public static LiveTicks start(String bootstrap, String topic, TickStream stream, int perSecond, Duration length,
      Map<String, Object> settings) {
    return new LiveTicks(bootstrap, topic, stream, perSecond, length, settings);
  }

  private void run(String bootstrap, String topic, int perSecond, Map<String, Object> settings) {
    try (Producer<String, byte[]> producer = Topics.producer(bootstrap, settings)) {
      long start = System.nanoTime();
      for (int i = 0; i < total && !stop; i++) {
        // Pacing a stream: record i goes out i/rate seconds after the start.
        long wait = start + i * 1_000_000_000L / perSecond - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        long now = System.currentTimeMillis();
        int pair = stream.random().nextInt(stream.pairs().size());
        long eventTime = now - (stream.random().nextInt(10) == 0 ? stream.random().nextInt(800)
            : stream.random().nextInt(50));
        TickStream.Record r = stream.random().nextInt(80) == 0 ? stream.malformed(pair, eventTime)
            : stream.tick(pair, eventTime);
        synchronized (this) {
          records.add(r);
          sent.add(producer.send(Topics.toKafka(topic, r), (md, e) -> {
            if (e != null) {
              failure.compareAndSet(null, e);
            } else {
              produced.incrementAndGet();
            }
          }));
        }
        stoppedAt = now;
      }
      producer.flush();
    } catch (Throwable e) {
      failure.compareAndSet(null, e);
    }
  }

  /** Records acknowledged by the broker so far. */
  public int produced() {
    return produced.get();
  }

  /** Records it produces in all. */
  public int total() {
    return total;
  }

  /** When it produced its last record (wall clock). */
  public long stoppedAt() {
    return stoppedAt;
  }

  /** Waits until every record is acknowledged, and says where each landed; fails if producing failed. */
  public Topics.Produced awaitDone(Duration timeout) throws Exception {
    thread.join(timeout.toMillis());
    if (failure.get() != null) {
      throw new AssertionError("producing live ticks failed", failure.get());
    }
    if (thread.isAlive() || produced.get() != total) {
      throw new AssertionError("produced " + produced.get() + " of " + total + " records within " + timeout);
    }
    synchronized (this) {
      return Topics.landed(records, sent);
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop = true;
    thread.join(30_000);
  }
}
