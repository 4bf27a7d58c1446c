package io.candles.pipeline;

import io.candles.contract.Gap;
import io.candles.contract.RejectedTickException;
import io.candles.contract.Tick;
import io.candles.contract.TickJson;
import io.candles.contract.TickRecord;
import io.candles.contract.TickRules;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka's value deserializer for tick records: parses and validates each value once, as KafkaIO's
 * reader takes it from the consumer, into a {@link TickValue}. It never throws: a value that
 * breaks the contract becomes a {@link TickValue.Rejected} carrying the raw text, so it reaches
 * the dead-letter topic instead of failing the read.
 *
 * <p>Besides the record's own fields it applies the contract's clock rule
 * ({@link TickRules#checkClock}) with the allowed skew from the consumer configuration key
 * {@value #MAX_CLOCK_SKEW_CONFIG} (milliseconds; the contract's default when absent), which
 * {@link ReadTicks} sets from {@code --maxClockSkew}.
 */
public final class TickValueDeserializer implements Deserializer<TickValue> {

  /** Consumer configuration key of the allowed clock skew, in milliseconds. */
  public static final String MAX_CLOCK_SKEW_CONFIG = "candles.max.clock.skew.ms";

  private long maxClockSkewMillis = TickRules.DEFAULT_MAX_CLOCK_SKEW_MILLIS;
  private final LongSupplier clock;

  public TickValueDeserializer() {
    this(System::currentTimeMillis);
  }

  TickValueDeserializer(LongSupplier clock) {
    this.clock = clock;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    Object skew = configs.get(MAX_CLOCK_SKEW_CONFIG);
    if (skew != null) {
      maxClockSkewMillis = Long.parseLong(skew.toString());
    }
  }

  @Override
  public TickValue deserialize(String topic, byte[] data) {
    try {
      // Straight from the bytes: the text is decoded only for a rejection's dead letter.
      TickRecord r = TickJson.parseRecord(data, 0, data == null ? 0 : data.length);
      if (r instanceof Tick tick) {
        TickRules.checkClock(tick.eventTimeMillis(), tick.ingestTimeMillis(), clock.getAsLong(),
            maxClockSkewMillis);
      } else {
        // A gap that ends in the future would mark windows that have not happened yet.
        TickRules.checkClock(((Gap) r).endMillis(), Tick.NO_TIME, clock.getAsLong(), maxClockSkewMillis);
      }
      return new TickValue.Accepted(r, data);
    } catch (RejectedTickException e) {
      return TickValue.Rejected.of(data == null ? null : new String(data, StandardCharsets.UTF_8), e);
    }
  }

  /** The value for a record's text (null for a record without a value), checked against the wall clock. */
  public static TickValue parse(String raw) {
    return new TickValueDeserializer().deserialize("ticks",
        raw == null ? null : raw.getBytes(StandardCharsets.UTF_8));
  }
}
