package io.candles.ingest.kafka;

/**
 * A snapshot of the path to Kafka.
 *
 * @param queueDepth records waiting in the bounded buffer
 * @param queueCapacity the buffer's size
 * @param queueFullWaits times the socket reader had to wait because the buffer was full
 * @param queueFullWaitMillis total time spent waiting
 * @param inFlight records handed to the producer and not yet acknowledged or failed
 * @param ticksAcked tick records acknowledged by the broker (acks=all)
 * @param deadLettersAcked dead letters acknowledged
 * @param ticksFailed tick records the producer gave up on (non-retriable error or shutdown timeout)
 * @param deadLettersFailed dead letters the producer gave up on
 * @param gapsAcked gap records (on the ticks topic) acknowledged
 * @param gapsFailed gap records the producer gave up on
 * @param sendRetries times the producer refused a record (broker unreachable, producer buffer full)
 *     and it was offered again
 * @param lostAtShutdown records still in the buffer when the shutdown timeout ran out
 * @param oldestUnackedMillis how long the producer has been waiting with records in flight and no
 *     acknowledgement, or 0 when nothing is waiting
 */
public record PublisherStats(
    int queueDepth,
    int queueCapacity,
    long queueFullWaits,
    long queueFullWaitMillis,
    long inFlight,
    long ticksAcked,
    long deadLettersAcked,
    long ticksFailed,
    long deadLettersFailed,
    long gapsAcked,
    long gapsFailed,
    long sendRetries,
    long lostAtShutdown,
    long oldestUnackedMillis) {}
