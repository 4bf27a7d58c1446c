package io.candles.ingest.transport;

import io.candles.contract.GapCause;
import java.nio.ByteBuffer;

/**
 * Receives what a {@link ReconnectingWebSocket} reads. Called on the socket's reader thread; a
 * call may block (back-pressure), which stops reading from that socket until it returns.
 */
public interface FrameListener {

  /**
   * One text frame.
   *
   * @param session the id of the session (WebSocket client) it came on; ids increase
   * @param overlapping true while two sessions carry the same streams (a rollover): updates seen
   *     twice are then expected, not errors
   */
  void onFrame(String text, long session, boolean overlapping);

  /**
   * One binary frame. Exchanges that send text only never send one, so it is something to report,
   * not to parse; the buffer is only valid during the call.
   *
   * @param session the id of the session it came on
   */
  default void onBinaryFrame(ByteBuffer bytes, long session) {}

  /**
   * A session has opened and frames from it follow (on the same thread, after this returns).
   *
   * @param session its id; a session opened after a gap supersedes every earlier one, whose
   *     frames may still be in flight on their own threads and must not be taken any more
   * @param continuation true for a rollover successor, which continues the previous session's
   *     sequence without a gap (the previous one stays valid until it is retired); false after a
   *     gap, when the exchange's sequence may have restarted
   */
  default void onSessionOpened(long session, boolean continuation) {}

  /**
   * The connection lost its session after data had flowed: a gap opens at the last frame passed to
   * {@link #onFrame} and lasts until the next {@link #onFrame}. Called on the scheduler while the
   * connection holds its lock, before any reconnect is scheduled: it must return at once, never wait.
   *
   * @param cause {@link GapCause#SILENCE} when the watchdog found the session silent, otherwise
   *     {@link GapCause#RECONNECT}
   */
  default void onGapOpened(GapCause cause) {}
}
