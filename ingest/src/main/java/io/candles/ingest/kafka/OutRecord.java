package io.candles.ingest.kafka;

/**
 * A record on its way to Kafka: a tick for the ticks topic or a dead letter for the DLQ topic.
 * Values are built on the socket reader thread; serialisation to bytes happens on the producer side.
 *
 * @param deadLetter true for the dead-letter topic
 * @param key the pair (upper case), or null for a dead letter whose pair is unknown
 * @param value the JSON value
 * @param timestampMillis the record timestamp: the tick's event time, or the receive time of a dead letter
 */
public record OutRecord(boolean deadLetter, String key, String value, long timestampMillis) {

  public static OutRecord tick(String pair, String value, long eventTimeMillis) {
    return new OutRecord(false, pair, value, eventTimeMillis);
  }

  public static OutRecord deadLetter(String pairOrNull, String value, long receivedAtMillis) {
    return new OutRecord(true, pairOrNull, value, receivedAtMillis);
  }
}
