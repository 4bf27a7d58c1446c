package io.candles.ingest.kafka;

import io.candles.contract.Gap;
import io.candles.contract.TickJson;

/**
 * A record on its way to Kafka: a tick or a gap for the ticks topic, or a dead letter for the DLQ
 * topic. Values are built on the caller's thread; serialisation to bytes happens on the producer side.
 *
 * @param kind what it is, and so which topic it goes to
 * @param key the pair (upper case), or null for a dead letter whose pair is unknown
 * @param value the JSON value
 * @param timestampMillis the record timestamp: the tick's event time, a gap's start, or the receive
 *     time of a dead letter
 */
public record OutRecord(Kind kind, String key, String value, long timestampMillis) {

  /** What a record is. */
  public enum Kind {
    TICK,
    /** A {@link Gap} (or a piece of one), on the ticks topic in its pair's partition. */
    GAP,
    DEAD_LETTER
  }

  public static OutRecord tick(String pair, String value, long eventTimeMillis) {
    return new OutRecord(Kind.TICK, pair, value, eventTimeMillis);
  }

  /** A gap record: keyed by its pair, so it is ordered with the pair's ticks; stamped with its start. */
  public static OutRecord gap(Gap gap) {
    return new OutRecord(Kind.GAP, gap.pair(), TickJson.write(gap), gap.startMillis());
  }

  public static OutRecord deadLetter(String pairOrNull, String value, long receivedAtMillis) {
    return new OutRecord(Kind.DEAD_LETTER, pairOrNull, value, receivedAtMillis);
  }

  /** True for the dead-letter topic. */
  public boolean deadLetter() {
    return kind == Kind.DEAD_LETTER;
  }
}
