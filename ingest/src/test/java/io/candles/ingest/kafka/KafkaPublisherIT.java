package io.candles.ingest.kafka;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

import io.candles.testkit.Await;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * The bounded buffer's block policy, with a real producer whose broker address answers nothing:
 * the producer refuses every record (no metadata within max.block.ms), so the buffer fills.
 * No broker and no mock: the refusals are Kafka's own. An IT because it waits on real time.
 */
public class KafkaPublisherIT {
  private KafkaPublisher publisher;

  @Before
  public void setUp() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    KafkaProducer<String, String> producer = new KafkaProducer<>(ProducerSettings.of(
        "127.0.0.1:" + closedPort, "test", Map.of("max.block.ms", "100", "reconnect.backoff.max.ms", "100")));
    publisher = new KafkaPublisher(producer, "ticks", "ticks-dlq", 3);
  }

  @After
  public void tearDown() {
    publisher.close(Duration.ZERO);
  }

  private static OutRecord tick(int i) {
    return OutRecord.tick("BTCUSDT", "{\"n\":" + i + "}", 1_700_000_000_000L + i);
  }

  @Test
  public void aFullBufferBlocksTheReaderCountsItAndNothingIsDroppedSilently() throws Exception {
    publisher.put(tick(0));
    // The drain thread takes it and keeps offering it to the producer, which refuses.
    Await.until("the drain thread retrying", 5_000, () -> publisher.stats().sendRetries() > 0);
    for (int i = 1; i < 4; i++) {
      publisher.put(tick(i)); // three buffered: the buffer is full
    }
    CountDownLatch returned = new CountDownLatch(1);
    Thread reader = new Thread(() -> {
      try {
        publisher.put(tick(4));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      returned.countDown();
    });
    reader.start();
    assertThat("the reader waits for room", returned.await(500, TimeUnit.MILLISECONDS), is(false));
    PublisherStats s = publisher.stats();
    assertThat(s.queueFullWaits(), is(1L));
    assertThat(s.queueDepth(), is(3));
    assertThat(s.sendRetries(), greaterThan(0L));
    assertThat(s.ticksAcked(), is(0L));
    assertThat(publisher.awaitDelivered(Duration.ofMillis(200)), is(false));

    publisher.close(Duration.ofMillis(200));
    assertThat("the reader is released at shutdown", returned.await(2, TimeUnit.SECONDS), is(true));
    // Every record is accounted for: 3 buffered, 1 being retried, 1 waiting for room.
    assertThat(publisher.stats().lostAtShutdown(), is(5L));
    assertThat(publisher.stats().queueFullWaitMillis(), greaterThan(400L));
  }
}
