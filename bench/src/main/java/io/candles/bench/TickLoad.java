package io.candles.bench;

import io.candles.contract.TickJson;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The load generator, outside the system under test: realistic best bid/ask ticks for a set of
 * pairs (a random walk of the mid in cents, a spread of 1 to 5 cents), produced to Kafka as the
 * contract's JSON, keyed by pair, record timestamp = event time. It remembers each tick's pair,
 * event time and send time, which is all the measurements need.
 */
final class TickLoad implements AutoCloseable {

  /** What was sent, in send order: parallel arrays, to keep millions of ticks cheap. */
  static final class Sent {
    final int[] pair;
    final long[] eventTime;
    final long[] sendTime;
    int size;

    Sent(int capacity) {
      pair = new int[capacity];
      eventTime = new long[capacity];
      sendTime = new long[capacity];
    }

    void add(int p, long event, long send) {
      pair[size] = p;
      eventTime[size] = event;
      sendTime[size] = send;
      size++;
    }
  }

  private final KafkaProducer<String, String> producer;
  private final String topic;
  private final List<String> pairs;
  private final long[] midCents;
  /** Per pair, the spread (10^-8 units) and event time of its last tick, which the next one carries. */
  private final long[] prevSpreads;
  private final long[] prevTimes;
  private final SplittableRandom random = new SplittableRandom(2021);
  private final AtomicLong acked = new AtomicLong();
  private final AtomicReference<Exception> failure = new AtomicReference<>();

  TickLoad(String bootstrapServers, String topic, int pairCount) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 256L * 1024 * 1024);
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    this.topic = topic;
    this.pairs = new ArrayList<>();
    this.midCents = new long[pairCount];
    this.prevSpreads = new long[pairCount];
    this.prevTimes = new long[pairCount];
    java.util.Arrays.fill(prevSpreads, io.candles.contract.Tick.NO_SPREAD);
    java.util.Arrays.fill(prevTimes, io.candles.contract.Tick.NO_TIME);
    for (int i = 0; i < pairCount; i++) {
      pairs.add(String.format("P%03dUSDT", i));
      midCents[i] = 1_000_00 + random.nextInt(5_000_000);
    }
  }

  List<String> pairs() {
    return pairs;
  }

  /** Sends one tick of pair {@code p} stamped {@code eventTime}; returns the send time. */
  long send(int p, long eventTime) {
    midCents[p] = Math.max(100, midCents[p] + random.nextInt(21) - 10);
    long spread = 1 + random.nextInt(5);
    String bid = BigDecimal.valueOf(midCents[p] - spread, 2).toPlainString();
    String ask = BigDecimal.valueOf(midCents[p] + spread, 2).toPlainString();
    long now = System.currentTimeMillis();
    // As the ingester writes them: with the spread that held since the pair's previous tick.
    String value = TickJson.write(pairs.get(p), bid, ask, eventTime, now, "bench", io.candles.contract.Tick.NO_UPDATE_ID,
        prevSpreads[p], prevTimes[p]);
    prevSpreads[p] = 2 * spread * 1_000_000;
    prevTimes[p] = eventTime;
    producer.send(new ProducerRecord<>(topic, null, eventTime, pairs.get(p), value), (md, e) -> {
      if (e != null) {
        failure.compareAndSet(null, e);
      } else {
        acked.incrementAndGet();
      }
    });
    return now;
  }

  /** Waits until everything sent is acknowledged; throws if anything failed. */
  void flush() {
    producer.flush();
    Exception e = failure.get();
    if (e != null) {
      throw new IllegalStateException("the load generator could not produce: " + e.getMessage(), e);
    }
  }

  long acked() {
    return acked.get();
  }

  @Override
  public void close() {
    producer.close();
  }
}
