package io.candles.testkit;

import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.java_websocket.WebSocket;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ServerHandshake;

/** A plain WebSocket client that records what it receives, for talking to the simulator in tests. */
public final class WebSocketTestClient extends WebSocketClient {
  public final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
  public final AtomicInteger pings = new AtomicInteger();
  public final AtomicInteger pongs = new AtomicInteger();
  public volatile int closeCode = -1;
  public volatile boolean closedByServer;

  public WebSocketTestClient(URI uri) {
    super(uri);
    setConnectionLostTimeout(0);
  }

  /** Connects; true once open. */
  public static WebSocketTestClient open(URI uri) throws InterruptedException {
    WebSocketTestClient c = new WebSocketTestClient(uri);
    if (!c.connectBlocking(5, TimeUnit.SECONDS)) {
      return c;
    }
    return c;
  }

  /** The next message within {@code millis}, or null. */
  public String next(long millis) throws InterruptedException {
    return messages.poll(millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void onOpen(ServerHandshake handshake) {}

  @Override
  public void onMessage(String message) {
    messages.add(message);
  }

  @Override
  public void onWebsocketPing(WebSocket conn, Framedata f) {
    pings.incrementAndGet();
    super.onWebsocketPing(conn, f);
  }

  @Override
  public void onWebsocketPong(WebSocket conn, Framedata f) {
    pongs.incrementAndGet();
  }

  @Override
  public void onClose(int code, String reason, boolean remote) {
    closeCode = code;
    closedByServer = remote;
  }

  @Override
  public void onError(Exception ex) {}
}
