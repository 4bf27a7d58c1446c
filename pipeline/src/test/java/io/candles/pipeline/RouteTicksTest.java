package io.candles.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;

import io.candles.contract.DeadLetter;
import io.candles.contract.Gap;
import io.candles.contract.GapCause;
import io.candles.contract.RejectReason;
import io.candles.contract.Tick;
import io.candles.contract.TickJson;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.KafkaRecordCoder;
import org.apache.beam.sdk.io.kafka.KafkaTimestampType;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.Rule;
import org.junit.Test;

public class RouteTicksTest {

  @Rule public final transient TestPipeline p = TestPipeline.create();

  private static final String TIME = "2021-10-14T18:54:00.123Z";
  private static final long MILLIS = Instant.parse(TIME).toEpochMilli();

  private static KafkaRecord<String, TickValue> record(
      int partition, long offset, String key, String value) {
    return new KafkaRecord<>("ticks", partition, offset, MILLIS, KafkaTimestampType.CREATE_TIME,
        new RecordHeaders(), key, TickValueDeserializer.parse(value));
  }

  /** A valid tick that the reader found late against a watermark of 19:10. */
  private static KafkaRecord<String, TickValue> late(int partition, long offset, String value) {
    KafkaRecord<String, TickValue> r = record(partition, offset, "BTCUSDT", value);
    ((TickValue.Accepted) r.getKV().getValue()).markLate(Instant.parse("2021-10-14T19:10:00Z").toEpochMilli());
    return r;
  }

  private static String tick(String pair, String bid, String ask) {
    return "{\"pair\":\"" + pair + "\",\"bid\":\"" + bid + "\",\"ask\":\"" + ask
        + "\",\"event_time\":\"" + TIME + "\"}";
  }

  @Test
  public void acceptedTicksBecomeQuotesGapsGoApartAndRejectsGoToTheDeadLetterOutputCountedByReason() {
    List<KafkaRecord<String, TickValue>> records = List.of(
        record(0, 10, "BTCUSDT", tick("BTCUSDT", "58000.10", "58000.20")),
        record(1, 3, "ETHUSDT", tick("ETHUSDT", "3000", "3000.01")),
        record(0, 11, "BTCUSDT", "{not json"),
        record(0, 12, "BTCUSDT", tick("BTCUSDT", "58000.30", "58000.20")),
        record(0, 13, "BTCUSDT", tick("BTCUSDT", "-1", "58000.20")),
        record(1, 4, "ETHUSDT", "{\"pair\":\"ETHUSDT\",\"bid\":\"1\",\"ask\":\"2\"}"),
        record(1, 5, null, null),
        late(0, 14, tick("BTCUSDT", "58000.40", "58000.50")),
        record(1, 6, "ETHUSDT", "{\"pair\":\"ETHUSDT\",\"bid\":\"1\",\"ask\":\"2\",\"event_time\":\"2999-01-01T00:00:00Z\"}"),
        record(0, 15, "BTCUSDT", TickJson.write(new Gap("BTCUSDT", MILLIS - 40_000, MILLIS, GapCause.RECONNECT))),
        record(0, 16, "BTCUSDT", "{\"kind\":\"trade\",\"pair\":\"BTCUSDT\"}"));

    PCollectionTuple out = p
        .apply(Create.of(records).withCoder(KafkaRecordCoder.of(
            NullableCoder.of(StringUtf8Coder.of()), TickValue.Coder.of())))
        .apply(new RouteTicks());

    PAssert.that(out.get(RouteTicks.QUOTES)).containsInAnyOrder(
        KV.of("BTCUSDT", new Quote(MILLIS, Tick.NO_TIME, 5_800_010_000_000L, 5_800_020_000_000L, 0, 10)),
        KV.of("ETHUSDT", new Quote(MILLIS, Tick.NO_TIME, 300_000_000_000L, 300_001_000_000L, 1, 3)));
    PAssert.that(out.get(RouteTicks.GAPS)).containsInAnyOrder(
        KV.of("BTCUSDT", new Gap("BTCUSDT", MILLIS - 40_000, MILLIS, GapCause.RECONNECT)));
    PAssert.that(out.get(RouteTicks.DEAD_LETTERS)
            .apply(MapElements.into(TypeDescriptors.strings())
                .via((DeadLetter d) -> d.source() + " " + d.reason().code())))
        .containsInAnyOrder(
            "ticks/0@11 invalid_json", "ticks/0@12 crossed_book", "ticks/0@13 non_positive_price",
            "ticks/1@4 missing_field", "ticks/1@5 invalid_json", "ticks/0@14 late",
            "ticks/1@6 event_time_in_future", "ticks/0@16 unknown_kind");
    PAssert.that(out.get(RouteTicks.DEAD_LETTERS)).satisfies(letters -> {
      for (DeadLetter d : letters) {
        if (d.source().equals("ticks/0@12")) {
          assertEquals("BTCUSDT", d.key());
          assertEquals(tick("BTCUSDT", "58000.30", "58000.20"), d.raw());
          assertThat(d.detail(), containsString("below bid"));
          assertThat(d.toJson(), containsString("\"reason\":\"crossed_book\""));
        }
        if (d.source().equals("ticks/0@14")) {
          // A late tick's dead letter carries it as it was on Kafka, and says against what.
          assertEquals(tick("BTCUSDT", "58000.40", "58000.50"), d.raw());
          assertThat(d.detail(), containsString("had its watermark at 2021-10-14T19:10:00Z"));
        }
      }
      return null;
    });

    PipelineResult result = p.run();
    result.waitUntilFinish();

    Map<String, Long> counters = new HashMap<>();
    for (MetricResult<Long> c : result.metrics().queryMetrics(MetricsFilter.builder().build())
        .getCounters()) {
      if (c.getName().getNamespace().equals(RouteTicks.METRICS_NAMESPACE)) {
        counters.merge(c.getName().getName(), c.getAttempted(), Long::sum);
      }
    }
    assertEquals(Long.valueOf(2), counters.get(RouteTicks.ACCEPTED));
    assertEquals(Long.valueOf(2), counters.get(RouteTicks.rejectedMetric(RejectReason.INVALID_JSON)));
    assertEquals(Long.valueOf(1), counters.get(RouteTicks.rejectedMetric(RejectReason.CROSSED_BOOK)));
    assertEquals(Long.valueOf(1), counters.get(RouteTicks.rejectedMetric(RejectReason.NON_POSITIVE_PRICE)));
    assertEquals(Long.valueOf(1), counters.get(RouteTicks.rejectedMetric(RejectReason.MISSING_FIELD)));
    // Late ticks are counted as ticks.
    assertEquals(Long.valueOf(1), counters.get(RouteTicks.rejectedMetric(RejectReason.LATE)));
    assertEquals(Long.valueOf(1), counters.get(RouteTicks.rejectedMetric(RejectReason.EVENT_TIME_IN_FUTURE)));
  }
}
