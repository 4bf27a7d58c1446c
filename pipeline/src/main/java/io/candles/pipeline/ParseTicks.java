package io.candles.pipeline;

import io.candles.contract.DeadLetter;
import io.candles.contract.EventTimes;
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
 * Parses and validates tick records per the contract. The parse itself happens once, as the value
 * is deserialized ({@link TickValueDeserializer}), so that {@link EventTimePolicy} can stamp each
 * record with its event time without parsing it again; here its outcome is routed. Accepted ticks come out as mid quotes keyed
 * by pair under {@link #QUOTES}, keeping the element timestamp (the event time stamped by
 * {@link ReadTicks}); rejected records, and ticks the reader found late ({@link EventTimePolicy}),
 * come out under {@link #DEAD_LETTERS} with their reason,
 * are counted per reason in the {@value #METRICS_NAMESPACE} metrics namespace, and are logged
 * once per reason. Bad input never stops the pipeline.
 */
public final class ParseTicks
    extends PTransform<PCollection<KafkaRecord<String, TickValue>>, PCollectionTuple> {

  public static final String METRICS_NAMESPACE = "ticks";
  public static final String ACCEPTED = "accepted";
  public static final TupleTag<KV<String, MidQuote>> QUOTES = new TupleTag<>() {};
  public static final TupleTag<DeadLetter> DEAD_LETTERS = new TupleTag<>() {};

  /** The metric name counting rejections for {@code reason}, e.g. {@code rejected_crossed_book}. */
  public static String rejectedMetric(RejectReason reason) {
    return "rejected_" + reason.code();
  }

  public ParseTicks() {
    super("ParseTicks");
  }

  @Override
  public PCollectionTuple expand(PCollection<KafkaRecord<String, TickValue>> records) {
    PCollectionTuple out = records.apply(
        "ParseAndValidate",
        ParDo.of(new ParseFn()).withOutputTags(QUOTES, TupleTagList.of(DEAD_LETTERS)));
    out.get(QUOTES).setCoder(KvCoder.of(StringUtf8Coder.of(), MidQuote.Coder.of()));
    out.get(DEAD_LETTERS).setCoder(DeadLetterCoder.of());
    return out;
  }

  static final class ParseFn extends DoFn<KafkaRecord<String, TickValue>, KV<String, MidQuote>> {
    private static final Logger LOG = LoggerFactory.getLogger(ParseTicks.class);

    private final Counter accepted = Metrics.counter(METRICS_NAMESPACE, ACCEPTED);
    private final Map<RejectReason, Counter> rejected = new EnumMap<>(RejectReason.class);
    /**
     * The reasons already logged in this JVM. Per JVM, not per DoFn instance: a runner creates
     * an instance per thread, per bundle or after each restart, and the contract says once per kind.
     */
    private static final Set<RejectReason> LOGGED = ConcurrentHashMap.newKeySet();

    ParseFn() {
      for (RejectReason r : RejectReason.values()) {
        rejected.put(r, Metrics.counter(METRICS_NAMESPACE, rejectedMetric(r)));
      }
    }

    @ProcessElement
    public void process(@Element KafkaRecord<String, TickValue> record, MultiOutputReceiver out) {
      TickValue value = record.getKV().getValue();
      if (value instanceof TickValue.Accepted a && !a.isLate()) {
        Tick t = a.tick();
        accepted.inc();
        out.get(QUOTES).output(KV.of(t.pair(), new MidQuote(
            t.eventTimeMillis(), t.mid(), record.getPartition(), record.getOffset())));
        return;
      }
      String source = record.getTopic() + "/" + record.getPartition() + "@" + record.getOffset();
      DeadLetter letter;
      if (value instanceof TickValue.Accepted late) {
        letter = new DeadLetter(record.getKV().getKey(), late.rawText(), RejectReason.LATE,
            "event_time " + EventTimes.format(late.tick().eventTimeMillis()) + " was read when partition "
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
