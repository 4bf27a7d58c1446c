package io.candles.ingest.exchange;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * One exchange's protocol: which connections to open for a set of pairs, what to send on them,
 * and how to read what comes back. The transport (connecting, pings, silence, reconnecting) knows
 * nothing of this, so another exchange is one implementation of this interface plus its tests.
 *
 * <p>Implementations are immutable and thread-safe: {@link #decode} is called concurrently from
 * the reader threads of different connections.
 */
public interface ExchangeAdapter {

  /** The source name written to each tick's {@code exchange} field, e.g. {@code binance}. */
  String name();

  /** The production WebSocket base URL, used unless {@code --endpoint} overrides it. */
  URI defaultEndpoint();

  /** How many pair streams the exchange allows on one connection. */
  int maxStreamsPerConnection();

  /** The connection for one group of at most {@link #maxStreamsPerConnection()} pairs. */
  ConnectionPlan planConnection(String name, URI endpoint, List<String> pairs);

  /**
   * The connections for all {@code pairs}: split into groups of at most {@code maxPerConnection},
   * in the order given.
   */
  default List<ConnectionPlan> plan(URI endpoint, List<String> pairs, int maxPerConnection) {
    if (maxPerConnection < 1) {
      throw new IllegalArgumentException("maxPerConnection must be positive: " + maxPerConnection);
    }
    List<ConnectionPlan> plans = new ArrayList<>();
    for (int from = 0, n = 0; from < pairs.size(); from += maxPerConnection, n++) {
      List<String> group = pairs.subList(from, Math.min(pairs.size(), from + maxPerConnection));
      plans.add(planConnection(name() + "-" + n, endpoint, group));
    }
    return plans;
  }

  /**
   * Decodes one text frame. Never throws for bad input: a frame that breaks a rule is returned as
   * {@link Frame.Rejected}.
   *
   * @param receivedAtMillis when the frame arrived (epoch ms), the event time where the exchange
   *     sends none
   */
  Frame decode(String text, long receivedAtMillis);
}
