package io.candles.ingest.transport;

import java.time.Duration;

/**
 * How a {@link ReconnectingWebSocket} keeps its connection alive.
 *
 * @param connectTimeout how long the TCP connect plus WebSocket handshake may take
 * @param silenceTimeout a connection that has received nothing (no message, no pong) for this long
 *     is treated as dead and replaced
 * @param pingInterval how often we ping the server, so that a quiet but healthy connection still
 *     shows signs of life (its pongs) well within {@code silenceTimeout}
 * @param rolloverAfter a session this old is replaced, make-before-break, ahead of the exchange's
 *     own forced disconnect (Binance: 24 hours)
 * @param overlapGrace after a rollover's new session delivers, how long the old one keeps
 *     delivering alongside it, so that every update reaches us on at least one of them
 * @param backoffBase first reconnect delay ceiling
 * @param backoffCap largest reconnect delay
 * @param stableAfter a session that lived this long resets the backoff
 * @param subscribePacing the gap between subscription requests (Binance allows 5 messages/s)
 * @param watchdogPeriod how often silence, connect timeouts and pings are checked
 */
public record TransportSettings(
    Duration connectTimeout,
    Duration silenceTimeout,
    Duration pingInterval,
    Duration rolloverAfter,
    Duration overlapGrace,
    Duration backoffBase,
    Duration backoffCap,
    Duration stableAfter,
    Duration subscribePacing,
    Duration watchdogPeriod) {

  /** Production defaults. */
  public static TransportSettings defaults() {
    return new TransportSettings(
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        Duration.ofSeconds(10),
        Duration.ofHours(23),
        Duration.ofSeconds(5),
        Duration.ofMillis(500),
        Duration.ofSeconds(30),
        Duration.ofSeconds(60),
        Duration.ofMillis(250),
        Duration.ofSeconds(1));
  }

  public TransportSettings withConnectTimeout(Duration d) {
    return new TransportSettings(d, silenceTimeout, pingInterval, rolloverAfter, overlapGrace,
        backoffBase, backoffCap, stableAfter, subscribePacing, watchdogPeriod);
  }

  public TransportSettings withSilenceTimeout(Duration d) {
    return new TransportSettings(connectTimeout, d, pingInterval, rolloverAfter, overlapGrace,
        backoffBase, backoffCap, stableAfter, subscribePacing, watchdogPeriod);
  }

  public TransportSettings withPingInterval(Duration d) {
    return new TransportSettings(connectTimeout, silenceTimeout, d, rolloverAfter, overlapGrace,
        backoffBase, backoffCap, stableAfter, subscribePacing, watchdogPeriod);
  }

  public TransportSettings withRolloverAfter(Duration d) {
    return new TransportSettings(connectTimeout, silenceTimeout, pingInterval, d, overlapGrace,
        backoffBase, backoffCap, stableAfter, subscribePacing, watchdogPeriod);
  }

  public TransportSettings withBackoff(Duration base, Duration cap) {
    return new TransportSettings(connectTimeout, silenceTimeout, pingInterval, rolloverAfter, overlapGrace,
        base, cap, stableAfter, subscribePacing, watchdogPeriod);
  }

  public TransportSettings withWatchdogPeriod(Duration d) {
    return new TransportSettings(connectTimeout, silenceTimeout, pingInterval, rolloverAfter, overlapGrace,
        backoffBase, backoffCap, stableAfter, subscribePacing, d);
  }
}
