package io.candles.ingest.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded buffer between the socket readers and the Kafka producer, and the thread that drains
 * it in order.
 *
 * <p><b>Policy when the buffer is full: block the socket reader.</b> {@link #put} waits for room;
 * the exchange's frames then queue in the TCP window and, if the broker stays away long enough,
 * the exchange drops the connection, which the transport reports as a gap. Nothing is ever
 * dropped here without being counted; every wait is counted and timed.
 *
 * <p><b>No silent loss while the broker is down or slow.</b> The producer is configured to retry
 * forever ({@code delivery.timeout.ms} at its maximum, see {@link ProducerSettings}), so records it
 * has accepted stay in its memory until the broker returns. When the producer refuses a record
 * (its buffer is full or it has no metadata within {@code max.block.ms}) the refusal arrives
 * synchronously on the drain thread, and the same record is offered again after a pause before any
 * later one: order per pair is kept. A refusal that concerns the record itself (e.g. it is larger
 * than {@code max.request.size}) is not retried: it would hold up every later record forever; that
 * record is counted as failed and logged with the reason. A record the producer does give up on (a
 * non-retriable error, or the shutdown timeout) is counted and logged.
 */
public final class KafkaPublisher implements RecordSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaPublisher.class);
  private static final long RETRY_PAUSE_MIN_MS = 100;
  private static final long RETRY_PAUSE_MAX_MS = 2_000;

  private final Producer<String, String> producer;
  private final String topic;
  private final String dlqTopic;
  private final ArrayBlockingQueue<OutRecord> queue;
  private final Thread drainer;

  private final LongAdder queueFullWaits = new LongAdder();
  private final LongAdder queueFullWaitNanos = new LongAdder();
  /** Records taken into the buffer, and records the drain thread has finished with (sent or lost). */
  private final AtomicLong enqueued = new AtomicLong();
  private final AtomicLong drained = new AtomicLong();
  /** Sends started, and sends completed (acknowledged, failed or refused). */
  private final AtomicLong handedOver = new AtomicLong();
  private final AtomicLong completed = new AtomicLong();
  private final LongAdder ticksAcked = new LongAdder();
  private final LongAdder deadLettersAcked = new LongAdder();
  private final LongAdder ticksFailed = new LongAdder();
  private final LongAdder deadLettersFailed = new LongAdder();
  private final LongAdder gapsAcked = new LongAdder();
  private final LongAdder gapsFailed = new LongAdder();
  private final LongAdder sendRetries = new LongAdder();
  private final LongAdder refusedForGood = new LongAdder();
  private final LongAdder lostAtShutdown = new LongAdder();
  /** Monotonic ms of the last acknowledgement or of the moment in-flight became non-zero. */
  private volatile long lastProgressAt = System.nanoTime() / 1_000_000L;

  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean abandon;
  private volatile long lastFullLogAt;
  private volatile long lastFailureLogAt;
  private volatile long lastRefusalLogAt = System.nanoTime() / 1_000_000L - 60_000;

  public KafkaPublisher(Producer<String, String> producer, String topic, String dlqTopic, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("queue capacity must be positive: " + capacity);
    }
    this.producer = producer;
    this.topic = topic;
    this.dlqTopic = dlqTopic;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.drainer = new Thread(this::drain, "ingest-kafka-drainer");
    this.drainer.setDaemon(true);
    this.drainer.start();
  }

  @Override
  public void put(OutRecord record) throws InterruptedException {
    if (queue.offer(record)) {
      enqueued.incrementAndGet();
      countIfAbandoned(record);
      return;
    }
    // Full: block the socket reader, counted and timed.
    queueFullWaits.increment();
    long now = System.nanoTime();
    if (now / 1_000_000L - lastFullLogAt > 10_000) {
      lastFullLogAt = now / 1_000_000L;
      log.warn("Kafka buffer full ({} records): blocking the exchange reader until the producer catches up",
          queue.size());
    }
    try {
      while (!queue.offer(record, 100, TimeUnit.MILLISECONDS)) {
        if (abandon) {
          lostAtShutdown.increment();
          return;
        }
      }
      enqueued.incrementAndGet();
    } finally {
      queueFullWaitNanos.add(System.nanoTime() - now);
    }
    countIfAbandoned(record);
  }

  /** A record that got in after the shutdown timeout ran out will not be sent: count it as lost. */
  private void countIfAbandoned(OutRecord record) {
    if (abandon && queue.remove(record)) {
      lostAtShutdown.increment();
    }
  }

  /**
   * Waits until everything handed over so far has been acknowledged (or failed).
   *
   * @return true if it all completed within {@code timeout}
   */
  public boolean awaitDelivered(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (drained.get() < enqueued.get() || completed.get() < handedOver.get()) {
      if (System.nanoTime() >= deadline) {
        return false;
      }
      Thread.sleep(10);
    }
    return true;
  }

  public PublisherStats stats() {
    long inFlight = handedOver.get() - completed.get();
    long now = System.nanoTime() / 1_000_000L;
    return new PublisherStats(
        queue.size(), queue.size() + queue.remainingCapacity(), queueFullWaits.sum(),
        queueFullWaitNanos.sum() / 1_000_000L, inFlight, ticksAcked.sum(), deadLettersAcked.sum(),
        ticksFailed.sum(), deadLettersFailed.sum(), gapsAcked.sum(), gapsFailed.sum(), sendRetries.sum(),
        lostAtShutdown.sum(), inFlight > 0 || !queue.isEmpty() ? now - lastProgressAt : 0);
  }

  /**
   * Flushes what was received, then closes the producer: waits up to {@code timeout} for the
   * buffer to drain and the broker to acknowledge; whatever is left after that is counted as lost
   * and logged.
   */
  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }

  public void close(Duration timeout) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean delivered;
    try {
      delivered = awaitDelivered(timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      delivered = false;
    }
    abandon = true;
    drainer.interrupt();
    try {
      drainer.join(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<OutRecord> leftOver = new ArrayList<>();
    queue.drainTo(leftOver);
    int left = leftOver.size();
    lostAtShutdown.add(left);
    long remaining = Math.max(0, deadline - System.nanoTime());
    // Records still in the producer after this are failed by close() and counted by their callbacks.
    producer.close(Duration.ofNanos(remaining));
    PublisherStats s = stats();
    if (delivered && s.lostAtShutdown() == 0 && s.ticksFailed() == 0 && s.deadLettersFailed() == 0
        && s.gapsFailed() == 0) {
      log.info("Kafka publisher closed: everything received was acknowledged ({} ticks, {} gap records, {} dead"
          + " letters)", s.ticksAcked(), s.gapsAcked(), s.deadLettersAcked());
    } else {
      log.error("Kafka publisher closed after waiting {} ms with records NOT delivered: {} never handed to the"
              + " producer ({} of them in the buffer), {} ticks, {} gap records and {} dead letters failed in the"
          + " producer", timeout.toMillis(), s.lostAtShutdown(), left, s.ticksFailed(), s.gapsFailed(),
          s.deadLettersFailed());
    }
  }

  // ---- drain thread ----

  private void drain() {
    while (!abandon) {
      OutRecord r;
      try {
        r = queue.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        if (abandon) {
          return;
        }
        continue;
      }
      if (r == null) {
        continue;
      }
      try {
        sendInOrder(r);
      } finally {
        drained.incrementAndGet();
      }
    }
  }

  /** Offers {@code r} until the producer accepts it (or we are abandoning at shutdown). */
  private void sendInOrder(OutRecord r) {
    ProducerRecord<String, String> pr = new ProducerRecord<>(
        r.deadLetter() ? dlqTopic : topic, null, r.timestampMillis(), r.key(), r.value());
    long pause = RETRY_PAUSE_MIN_MS;
    while (true) {
      Delivery delivery = new Delivery(r.kind());
      if (handedOver.get() == completed.get()) {
        lastProgressAt = System.nanoTime() / 1_000_000L;
      }
      handedOver.incrementAndGet();
      try {
        producer.send(pr, delivery);
      } catch (RuntimeException e) {
        // Not an ApiException (those go to the callback): e.g. the producer is closed.
        delivery.refusedNow = true;
        delivery.refusal = e;
        completed.incrementAndGet();
      }
      delivery.returned = true;
      if (!delivery.refusedNow) {
        return;
      }
      if (permanentForRecord(delivery.refusal)) {
        // This record can never be taken (e.g. larger than max.request.size): offering it again
        // would block every record behind it forever. Given up, counted and logged with the reason.
        failed(r.kind()).increment();
        refusedForGood.increment();
        long now = System.nanoTime() / 1_000_000L;
        if (now - lastRefusalLogAt > 1_000) {
          lastRefusalLogAt = now;
          log.error("Kafka refused a {} record (key {}, {} characters) and it will not be retried: {}"
                  + " ({} refused so far; counted as failed in /status and /metrics)",
              label(r.kind()), r.key(), r.value().length(), delivery.refusal.toString(),
              refusedForGood.sum());
        }
        return;
      }
      // The producer refused it synchronously: it never entered the producer. Offer it again.
      sendRetries.increment();
      long now = System.nanoTime() / 1_000_000L;
      if (now - lastFailureLogAt > 10_000) {
        lastFailureLogAt = now;
        log.warn("Kafka is not accepting records ({}); holding them and retrying, nothing is dropped",
            delivery.refusal.toString());
      }
      if (abandon) {
        lostAtShutdown.increment();
        return;
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        if (abandon) {
          lostAtShutdown.increment();
          return;
        }
      }
      pause = Math.min(RETRY_PAUSE_MAX_MS, pause * 2);
    }
  }

  /**
   * Whether a refusal concerns the record itself, so that it would be refused again however long
   * we wait. Retriable errors (no metadata or no room within max.block.ms, a broker away) are not;
   * nor are authentication and authorisation errors, which refuse every record alike until an
   * operator fixes them, so the records wait (and /health says so) rather than being given up; nor
   * is anything the producer throws instead of reporting (it is closed, or the thread interrupted).
   */
  static boolean permanentForRecord(Exception e) {
    if (e instanceof RetriableException || e instanceof AuthenticationException
        || e instanceof AuthorizationException) {
      return false;
    }
    return e instanceof ApiException || e instanceof SerializationException;
  }

  private LongAdder acked(OutRecord.Kind kind) {
    return switch (kind) {
      case TICK -> ticksAcked;
      case GAP -> gapsAcked;
      case DEAD_LETTER -> deadLettersAcked;
    };
  }

  private LongAdder failed(OutRecord.Kind kind) {
    return switch (kind) {
      case TICK -> ticksFailed;
      case GAP -> gapsFailed;
      case DEAD_LETTER -> deadLettersFailed;
    };
  }

  private static String label(OutRecord.Kind kind) {
    return switch (kind) {
      case TICK -> "tick";
      case GAP -> "gap";
      case DEAD_LETTER -> "dead-letter";
    };
  }

  /** The outcome of one send. */
  private final class Delivery implements Callback {
    private final OutRecord.Kind kind;
    private final Thread sender = Thread.currentThread();
    volatile boolean returned;
    volatile boolean refusedNow;
    volatile Exception refusal;

    Delivery(OutRecord.Kind kind) {
      this.kind = kind;
    }

    @Override
    public void onCompletion(RecordMetadata metadata, Exception e) {
      completed.incrementAndGet();
      if (e == null) {
        lastProgressAt = System.nanoTime() / 1_000_000L;
        acked(kind).increment();
        return;
      }
      if (!returned && Thread.currentThread() == sender) {
        // Called from inside send(): the producer refused the record before taking it.
        refusedNow = true;
        refusal = e;
        return;
      }
      failed(kind).increment();
      long now = System.nanoTime() / 1_000_000L;
      if (now - lastFailureLogAt > 1_000) {
        lastFailureLogAt = now;
        log.error("Kafka did not take a {} record and it will not be retried: {}", label(kind), e.toString());
      }
    }
  }
}
