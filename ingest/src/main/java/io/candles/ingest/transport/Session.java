package io.candles.ingest.transport;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.java_websocket.WebSocket;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ServerHandshake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt of a {@link ReconnectingWebSocket}: a fresh client, never reused after it ends
 * (Java-WebSocket clients are not meant to be, and a fresh one cannot carry stale state). It reports
 * what happens to its {@link Owner}; the end of the session is handed to the scheduler, never
 * handled inside the client's own close callback (its reader thread, while it is still tearing down).
 */
final class Session extends WebSocketClient {
  private static final Logger log = LoggerFactory.getLogger(Session.class);

  /** What a session tells the connection it belongs to. */
  interface Owner {
    /** Socket reader thread: the handshake completed. */
    void opened(Session s);

    /** Socket reader thread: one text frame. */
    void received(Session s, String text);

    /** Socket reader thread: one binary frame. */
    void receivedBinary(Session s, ByteBuffer bytes);

    /** Socket reader thread: a pong, at {@code now}. */
    void ponged(long now);

    /** Scheduler or watchdog: the session closed or failed; idempotent. */
    void ended(Session s, String why);
  }

  final long id;
  final long createdAt;
  // Written under the owner's lock or by the session's own reader thread; read by the watchdog.
  volatile boolean opened;
  volatile boolean ended;
  volatile long openedAt = -1;
  volatile long lastInboundAt;
  volatile long lastPingAt;
  private volatile String lastError;

  private final String connection;
  private final LongSupplier clock;
  private final ScheduledExecutorService scheduler;
  private final Owner owner;

  Session(String connection, long id, URI uri, TransportSettings settings, LongSupplier clock,
      ScheduledExecutorService scheduler, Owner owner) {
    super(uri, new Draft_6455(), Map.of(), (int) settings.connectTimeout().toMillis());
    this.connection = connection;
    this.id = id;
    this.clock = clock;
    this.scheduler = scheduler;
    this.owner = owner;
    this.createdAt = clock.getAsLong();
    // The connection's watchdog replaces the library's connection-lost timer: one mechanism, one clock.
    setConnectionLostTimeout(0);
    setDaemon(true);
    setTcpNoDelay(true);
  }

  /** Runs {@code r} on the scheduler after {@code delayMillis}; null when it is shutting down. */
  static ScheduledFuture<?> schedule(ScheduledExecutorService scheduler, Runnable r, long delayMillis) {
    try {
      return scheduler.schedule(r, delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      return null; // shutting down
    }
  }

  @Override
  public void onOpen(ServerHandshake handshake) {
    owner.opened(this);
  }

  @Override
  public void onMessage(String text) {
    owner.received(this, text);
  }

  @Override
  public void onMessage(ByteBuffer bytes) {
    owner.receivedBinary(this, bytes);
  }

  @Override
  public void onWebsocketPong(WebSocket conn, Framedata f) {
    long now = clock.getAsLong();
    lastInboundAt = now;
    owner.ponged(now);
  }

  @Override
  public void onClose(int code, String reason, boolean remote) {
    String why = (remote ? "closed by the server: " : "closed: ") + code
        + (reason == null || reason.isEmpty() ? "" : " " + reason)
        + (lastError == null ? "" : " (" + lastError + ")");
    // Never reconnect from inside the client's callback: hand over to the scheduler.
    try {
      scheduler.execute(() -> owner.ended(this, why));
    } catch (RejectedExecutionException e) {
      // Shutting down.
    }
  }

  @Override
  public void onError(Exception ex) {
    lastError = ex.toString();
    log.debug("{}: session {} error", connection, id, ex);
  }

  void sendIfOpen(String text) {
    if (!ended && isOpen()) {
      try {
        send(text);
      } catch (WebsocketNotConnectedException e) {
        // Closed in between: the reconnect will subscribe again.
      }
    }
  }

  void pingIfOpen() {
    if (isOpen()) {
      try {
        sendPing();
      } catch (WebsocketNotConnectedException e) {
        // Closed in between.
      }
    }
  }

  void closeGracefully(String why) {
    try {
      close(CloseFrame.NORMAL, why);
    } catch (RuntimeException e) {
      abort(why);
      return;
    }
    // A peer that never answers the close handshake must not keep the socket open.
    schedule(scheduler, () -> {
      if (!isClosed()) {
        abort(why + " (close handshake timed out)");
      }
    }, 2_000);
  }

  /** Drops the connection at once, without a close handshake. */
  void abort(String why) {
    try {
      Socket socket = getSocket();
      if (socket != null) {
        socket.close();
      }
    } catch (IOException e) {
      // Closing anyway.
    }
    try {
      closeConnection(CloseFrame.ABNORMAL_CLOSE, why);
    } catch (RuntimeException e) {
      log.debug("{}: session {} abort", connection, id, e);
    }
  }
}
