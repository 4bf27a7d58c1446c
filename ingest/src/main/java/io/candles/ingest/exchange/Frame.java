package io.candles.ingest.exchange;

import io.candles.contract.RejectReason;

/**
 * What one WebSocket text frame from an exchange turned out to be, in domain terms: the adapter
 * decodes the exchange's wire format and the rest of the ingester only ever sees these.
 */
public sealed interface Frame permits Quote, Frame.Control, Frame.ExchangeError, Frame.Rejected {

  /** A reply to one of our requests (e.g. a subscription acknowledgement): nothing to produce. */
  record Control(String description) implements Frame {}

  /** The exchange reported an error about our connection or requests. */
  record ExchangeError(String detail) implements Frame {}

  /**
   * A message that breaks a rule; it goes to the dead-letter topic.
   *
   * @param pair the pair when it could be read, else null
   * @param reason the rule it breaks
   * @param detail one line naming the field and value
   * @param stream the exchange stream it came on, when known, else null
   */
  record Rejected(String pair, RejectReason reason, String detail, String stream) implements Frame {}
}
