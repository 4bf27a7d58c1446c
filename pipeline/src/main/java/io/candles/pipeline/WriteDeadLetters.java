package io.candles.pipeline;

import io.candles.contract.DeadLetter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes rejected records to the dead-letter topic, keyed by their original key, the value being
 * the contract's dead-letter envelope (reason, detail, source, raw value capped at
 * {@link DeadLetter#MAX_RAW_CHARS} characters).
 *
 * <p>Its own small producer step rather than KafkaIO's writer, for one reason: KafkaIO fails the
 * bundle on any send error, so a dead letter the broker refuses for good (too large, a topic it
 * will not write) would be retried forever and stop the pipeline. Here a refusal is counted
 * ({@value #REFUSED} in the {@code ticks} metrics) and logged, and the pipeline goes on; an error
 * that may pass (the broker away for a while) is sent again until it is written. Every bundle's
 * dead letters are acknowledged before the bundle completes: at least once.
 */
public final class WriteDeadLetters extends PTransform<PCollection<DeadLetter>, PDone> {
  // The value the JVM derived before it was declared: savepoints taken since stay readable.
  private static final long serialVersionUID = 7948907269561659236L;

  /** Metric counting dead letters the broker refused for good. */
  public static final String REFUSED = "dead_letters_refused";
  /** Metric counting dead letters written. */
  public static final String WRITTEN = "dead_letters_written";

  private final String bootstrapServers;
  private final String topic;

  public WriteDeadLetters(String bootstrapServers, String topic) {
    super("WriteDeadLetters");
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
  }

  @Override
  public PDone expand(PCollection<DeadLetter> deadLetters) {
    deadLetters.apply("WriteToKafka", ParDo.of(new ProduceFn(bootstrapServers, topic)));
    return PDone.in(deadLetters.getPipeline());
  }

  static final class ProduceFn extends DoFn<DeadLetter, Void> {
    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(WriteDeadLetters.class);
    private static final long RETRY_PAUSE_MILLIS = 1_000;

    private final String bootstrapServers;
    private final String topic;
    private final Counter written = Metrics.counter(RouteTicks.METRICS_NAMESPACE, WRITTEN);
    private final Counter refused = Metrics.counter(RouteTicks.METRICS_NAMESPACE, REFUSED);
    private transient KafkaProducer<String, String> producer;
    /** Sends of this bundle that failed with an error that may pass, to send again. */
    private transient ConcurrentLinkedQueue<ProducerRecord<String, String>> retry;
    private transient AtomicLong acknowledged;
    private transient AtomicLong refusedInBundle;
    /** Sends whose callback has not run yet; guarded by itself. */
    private transient long[] inFlight;

    ProduceFn(String bootstrapServers, String topic) {
      this.bootstrapServers = bootstrapServers;
      this.topic = topic;
    }

    @Setup
    public void setup() {
      producer = new KafkaProducer<>(Map.of(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
          ProducerConfig.ACKS_CONFIG, "all",
          ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
          ProducerConfig.LINGER_MS_CONFIG, 5),
          new StringSerializer(), new StringSerializer());
      retry = new ConcurrentLinkedQueue<>();
      acknowledged = new AtomicLong();
      refusedInBundle = new AtomicLong();
      inFlight = new long[1];
    }

    @ProcessElement
    public void process(@Element DeadLetter d) {
      send(new ProducerRecord<>(topic, d.key(), d.toJson()));
    }

    private void send(ProducerRecord<String, String> record) {
      synchronized (inFlight) {
        inFlight[0]++;
      }
      try {
        producer.send(record, (metadata, e) -> {
          try {
            onCompletion(record, e);
          } finally {
            done();
          }
        });
      } catch (RuntimeException e) {
        // A send refused before it was queued (the producer closed, its buffer full too long).
        done();
        throw e;
      }
    }

    private void done() {
      synchronized (inFlight) {
        inFlight[0]--;
        inFlight.notifyAll();
      }
    }

    private void onCompletion(ProducerRecord<String, String> record, Exception e) {
      if (e == null) {
        acknowledged.incrementAndGet();
      } else if (e instanceof RetriableException) {
        retry.add(record);
      } else {
        refusedInBundle.incrementAndGet();
        LOG.warn("The broker refused a dead letter for {} (key {}, {} characters): {}. It is counted in "
            + "metric {}:{} and not sent again.", topic, record.key(), record.value().length(), e.toString(),
            RouteTicks.METRICS_NAMESPACE, REFUSED);
      }
    }

    /**
     * Waits until every send of this bundle has run its callback. {@code flush()} alone is not
     * enough: when the broker refuses a batch as too large, the producer splits it and sends the
     * parts again, and a flush that began before the split returns without waiting for them, so
     * their callbacks could run after the bundle's counts were taken (KAFKA-9312, KAFKA-19479).
     */
    private void awaitCallbacks() throws InterruptedException {
      producer.flush();
      synchronized (inFlight) {
        while (inFlight[0] > 0) {
          inFlight.wait();
        }
      }
    }

    @FinishBundle
    public void finishBundle() throws InterruptedException {
      awaitCallbacks();
      while (!retry.isEmpty()) {
        LOG.warn("{} dead letter(s) for {} could not be written yet (is the broker at {} reachable?); "
            + "sending them again", retry.size(), topic, bootstrapServers);
        Thread.sleep(RETRY_PAUSE_MILLIS);
        List<ProducerRecord<String, String>> again = List.copyOf(retry);
        retry.clear();
        again.forEach(this::send);
        awaitCallbacks();
      }
      written.inc(acknowledged.getAndSet(0));
      refused.inc(refusedInBundle.getAndSet(0));
    }

    @Teardown
    public void teardown() {
      if (producer != null) {
        producer.close();
      }
    }
  }
}
