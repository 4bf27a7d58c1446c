package io.candles.pipeline;

import io.candles.contract.RejectedTickException;
import io.candles.contract.TickJson;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka's value deserializer for tick records: parses and validates each value once, as KafkaIO's
 * reader takes it from the consumer, into a {@link TickValue}. It never throws: a value that
 * breaks the contract becomes a {@link TickValue.Rejected} carrying the raw text, so it reaches
 * the dead-letter topic instead of failing the read.
 */
public final class TickValueDeserializer implements Deserializer<TickValue> {

  @Override
  public TickValue deserialize(String topic, byte[] data) {
    try {
      // Straight from the bytes: the text is decoded only for a rejection's dead letter.
      return new TickValue.Accepted(TickJson.parse(data, 0, data == null ? 0 : data.length));
    } catch (RejectedTickException e) {
      return TickValue.Rejected.of(data == null ? null : new String(data, StandardCharsets.UTF_8), e);
    }
  }

  /** The value for a record's text (null for a record without a value). */
  public static TickValue parse(String raw) {
    try {
      return new TickValue.Accepted(TickJson.parse(raw));
    } catch (RejectedTickException e) {
      return TickValue.Rejected.of(raw, e);
    }
  }
}
