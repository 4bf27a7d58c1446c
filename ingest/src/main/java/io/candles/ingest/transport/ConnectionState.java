package io.candles.ingest.transport;

/** Where a {@link ReconnectingWebSocket} is in its life. */
public enum ConnectionState {
  /** Not running: never started, or stopped on request. */
  STOPPED,
  /** A session is being opened (TCP connect, TLS, WebSocket handshake). */
  CONNECTING,
  /** A session is open. */
  OPEN,
  /** The session was lost; waiting out the backoff delay before the next attempt. */
  RECONNECTING;

  /** Lower-case name for JSON and metrics. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
