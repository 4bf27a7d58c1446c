package io.candles.pipeline;

import io.candles.contract.DeadLetter;
import io.candles.contract.EventTimes;
import io.candles.contract.Gap;
import io.candles.contract.RejectReason;
import io.candles.contract.Tick;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes tick records that are already parsed and validated: the parse happens once, as the value
 * is deserialized ({@link TickValueDeserializer}), so that {@link EventTimePolicy} can stamp each
 * record with its event time without parsing it again; here its outcome is routed. Accepted
 * ticks come out as mid quotes keyed by pair under {@link #QUOTES}, keeping the element timestamp (the event time stamped by
 * {@link ReadTicks}); rejected records, and ticks the reader found late ({@link EventTimePolicy}),
 * come out under {@link #DEAD_LETTERS} with their reason,
 * are counted per reason in the {@value #METRICS_NAMESPACE} metrics namespace, and are logged
 * once per reason. Bad input never stops the pipeline.
 */
public final class RouteTicks
    extends PTransform<PCollection<KafkaRecord<String, TickValue>>, PCollectionTuple> {
  // The value the JVM derived before it was declared: savepoints taken since stay readable.
  private static final long serialVersionUID = 5342318759979285454L;

  public static final String METRICS_NAMESPACE = "ticks";
  public static final String ACCEPTED = "accepted";
  public static final TupleTag<KV<String, Quote>> QUOTES = new TupleTag<>() {};
  /** Feed gaps the ingester marked, keyed by pair, stamped at their start. */
  public static final TupleTag<KV<String, Gap>> GAPS = new TupleTag<>() {};
  /** Metric counting gap records read. */
  public static final String GAPS_READ = "gaps";
  public static final TupleTag<DeadLetter> DEAD_LETTERS = new TupleTag<>() {};

  /** The metric name counting rejections for {@code reason}, e.g. {@code rejected_crossed_book}. */
  public static String rejectedMetric(RejectReason reason) {
    return "rejected_" + reason.code();
  }

  public RouteTicks() {
    // The step names from before the rename: a Flink savepoint knows the steps by name.
    super("ParseTicks");
  }

  @Override
  public PCollectionTuple expand(PCollection<KafkaRecord<String, TickValue>> records) {
    PCollectionTuple out = records.apply(
        "ParseAndValidate",
        ParDo.of(new RouteFn()).withOutputTags(QUOTES, TupleTagList.of(DEAD_LETTERS).and(GAPS)));
    out.get(QUOTES).setCoder(KvCoder.of(StringUtf8Coder.of(), Quote.Coder.of()));
    out.get(GAPS).setCoder(KvCoder.of(StringUtf8Coder.of(), GapCoder.of()));
    out.get(DEAD_LETTERS).setCoder(DeadLetterCoder.of());
    return out;
  }

  static final class RouteFn extends DoFn<KafkaRecord<String, TickValue>, KV<String, Quote>> {
    // The value the JVM derived before it was declared: savepoints taken since stay readable.
    private static final long serialVersionUID = -6783653404469913258L;

    private static final Logger LOG = LoggerFactory.getLogger(RouteTicks.class);

    private final Counter accepted = Metrics.counter(METRICS_NAMESPACE, ACCEPTED);
    private final Counter gaps = Metrics.counter(METRICS_NAMESPACE, GAPS_READ);
    private final Map<RejectReason, Counter> rejected = new EnumMap<>(RejectReason.class);
    /**
     * The reasons already logged in this JVM. Per JVM, not per DoFn instance: a runner creates
     * an instance per thread, per bundle or after each restart, and the contract says once per kind.
     */
    private static final Set<RejectReason> LOGGED = ConcurrentHashMap.newKeySet();

    RouteFn() {
      for (RejectReason r : RejectReason.values()) {
        rejected.put(r, Metrics.counter(METRICS_NAMESPACE, rejectedMetric(r)));
      }
    }

    @ProcessElement
    public void process(@Element KafkaRecord<String, TickValue> record, MultiOutputReceiver out) {
      TickValue value = record.getKV().getValue();
      if (value instanceof TickValue.Accepted a && !a.isLate()) {
        if (a.record() instanceof Gap gap) {
          gaps.inc();
          out.get(GAPS).output(KV.of(gap.pair(), gap));
          return;
        }
        Tick t = a.tick();
        accepted.inc();
        out.get(QUOTES).output(KV.of(t.pair(), new Quote(t.eventTimeMillis(), t.ingestTimeMillis(),
            t.bid(), t.ask(), record.getPartition(), record.getOffset(), t.prevSpread(), t.prevEventTimeMillis())));
        return;
      }
      String source = record.getTopic() + "/" + record.getPartition() + "@" + record.getOffset();
      DeadLetter letter;
      if (value instanceof TickValue.Accepted late) {
        letter = new DeadLetter(record.getKV().getKey(), late.rawText(), RejectReason.LATE,
            (late.record() instanceof Gap ? "gap_start " : "event_time ")
                + EventTimes.format(late.eventTimeMillis()) + " was read when partition "
                + record.getTopic() + "/" + record.getPartition() + " had its watermark at "
                + EventTimes.format(late.lateAgainstWatermark()) + ": its windows had closed more than "
                + "--allowedLateness before",
            source);
      } else {
        TickValue.Rejected r = (TickValue.Rejected) value;
        letter = new DeadLetter(record.getKV().getKey(), r.raw(), r.reason(), r.detail(), source);
      }
      rejected.get(letter.reason()).inc();
      if (LOGGED.add(letter.reason())) {
        LOG.warn("Rejected tick record {} ({}): {}. Further '{}' rejections are counted in metric "
            + "{}:{} and sent to the dead-letter topic without logging.",
            source, letter.reason().code(), letter.detail(), letter.reason().code(), METRICS_NAMESPACE,
            rejectedMetric(letter.reason()));
      }
      out.get(DEAD_LETTERS).output(letter);
    }
  }
}
