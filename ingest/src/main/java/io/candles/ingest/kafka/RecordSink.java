package io.candles.ingest.kafka;

/** Where checked records go. The production sink is {@link KafkaPublisher}. */
public interface RecordSink {

  /**
   * Hands over one record, blocking while the sink is full (back-pressure on the caller).
   *
   * @throws InterruptedException if interrupted while waiting; the record was not taken
   */
  void put(OutRecord record) throws InterruptedException;
}
