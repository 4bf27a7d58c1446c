package io.candles.ingest.transport;

/**
 * The liveness rules of a session, checked on the scheduler every {@code watchdogPeriod}: a session
 * without a handshake within {@code connectTimeout}, or open but silent (no message, no pong) for
 * {@code silenceTimeout}, is dead, because a half-open TCP connection otherwise looks healthy
 * forever; an open one is pinged every {@code pingInterval}, so that a quiet but healthy connection
 * keeps producing pongs.
 */
final class Watchdog {
  private final TransportSettings settings;

  Watchdog(TransportSettings settings) {
    this.settings = settings;
  }

  /** Why {@code s} is dead at {@code now}, or null; pings it when due. */
  String check(Session s, long now) {
    if (!s.opened) {
      if (now - s.createdAt > settings.connectTimeout().toMillis()) {
        return "no handshake within " + settings.connectTimeout().toMillis() + " ms";
      }
    } else if (now - s.lastInboundAt > settings.silenceTimeout().toMillis()) {
      return "silent for " + (now - s.lastInboundAt) + " ms";
    } else if (now - s.lastPingAt >= settings.pingInterval().toMillis()) {
      s.lastPingAt = now;
      s.pingIfOpen();
    }
    return null;
  }
}
