package io.candles.ingest.exchange;

import java.net.URI;
import java.util.List;

/**
 * One WebSocket connection to open: where, for which pairs, and what to send once it is open.
 *
 * @param name a short name for logs, metrics and {@code /status}, e.g. {@code binance-0}
 * @param uri the URI to connect to
 * @param pairs the pairs this connection carries (upper case)
 * @param subscribeMessages text frames to send after the handshake, in order
 */
public record ConnectionPlan(String name, URI uri, List<String> pairs, List<String> subscribeMessages) {
  public ConnectionPlan {
    pairs = List.copyOf(pairs);
    subscribeMessages = List.copyOf(subscribeMessages);
  }
}
