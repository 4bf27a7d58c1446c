package io.candles.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * WebSocket clients of the candle server, as bots would connect: one fast client that follows
 * every pair's rolling stream and notes when each kline state arrives (the measurement), and
 * optionally a crowd of idle clients (each on one pair's aligned stream, reading what comes) and
 * slow clients (a small receive buffer, never reading: the server's writes to them back up; each
 * is replaced before the server's slow-client timeout so one is always there).
 */
final class PushClients implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One kline state as it arrived: when, which window, how many ticks. */
  record Arrival(long atMillis, String pair, long openTime, long ticks) {}

  /** The measured client's own HttpClient: the JDK runs one selector thread per HttpClient, and the
   * crowd's events must not queue before its own in the measuring process. */
  private final HttpClient http = HttpClient.newHttpClient();
  private final HttpClient crowd = HttpClient.newHttpClient();
  private final String ws;
  private final List<String> pairs;
  private final ConcurrentLinkedQueue<Arrival> arrivals = new ConcurrentLinkedQueue<>();
  private final List<WebSocket> sockets = new ArrayList<>();
  private final List<Socket> slow = new ArrayList<>();
  private final AtomicLong crowdEvents = new AtomicLong();
  private volatile boolean recording;

  PushClients(String baseUrl, List<String> pairs) {
    this.ws = baseUrl.replace("http://", "ws://");
    this.pairs = pairs;
  }

  /** The measuring client, on every pair's rolling stream (every window, every state). */
  void connectFast() throws Exception {
    StringBuilder streams = new StringBuilder();
    for (String p : pairs) {
      streams.append(streams.length() == 0 ? "" : "/").append(p.toLowerCase(Locale.ROOT)).append("@kline_5m@step1m");
    }
    sockets.add(http.newWebSocketBuilder().buildAsync(URI.create(ws + "/stream?streams=" + streams),
        new Listener(text -> {
          long now = System.currentTimeMillis();
          if (!recording) {
            return;
          }
          try {
            JsonNode k = JSON.readTree(text).get("data").get("k");
            arrivals.add(new Arrival(now, k.get("s").asText(), k.get("t").asLong(), k.get("n").asLong()));
          } catch (IOException e) {
            throw new IllegalStateException("not a kline event: " + text, e);
          }
        })).get(30, TimeUnit.SECONDS));
  }

  /** Idle clients: each follows one pair's aligned stream and takes what comes. */
  void connectCrowd(int n) throws Exception {
    for (int i = 0; i < n; i++) {
      String stream = pairs.get(i % pairs.size()).toLowerCase(Locale.ROOT) + "@kline_5m";
      sockets.add(crowd.newWebSocketBuilder().buildAsync(URI.create(ws + "/ws/" + stream),
          new Listener(text -> crowdEvents.incrementAndGet())).get(30, TimeUnit.SECONDS));
    }
  }

  /** A slow client on every pair's rolling stream: 4 KiB of receive buffer, never read. */
  void connectSlow() throws IOException {
    StringBuilder streams = new StringBuilder();
    for (String p : pairs) {
      streams.append(streams.length() == 0 ? "" : "/").append(p.toLowerCase(Locale.ROOT)).append("@kline_5m@step1m");
    }
    URI u = URI.create(ws + "/stream?streams=" + streams);
    Socket s = new Socket();
    s.setReceiveBufferSize(4096);
    s.connect(new InetSocketAddress(u.getHost(), u.getPort()), 10_000);
    byte[] key = new byte[16];
    new java.util.Random().nextBytes(key);
    OutputStream out = s.getOutputStream();
    out.write(("GET " + u.getRawPath() + "?" + u.getRawQuery() + " HTTP/1.1\r\nHost: " + u.getHost() + ":" + u.getPort()
        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
        + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = s.getInputStream();
    byte[] status = new byte[12];
    if (in.readNBytes(status, 0, 12) != 12 || !new String(status, StandardCharsets.US_ASCII).endsWith("101")) {
      s.close();
      throw new IOException("the slow client was not upgraded: " + new String(status, StandardCharsets.US_ASCII));
    }
    synchronized (slow) {
      slow.add(s);
    }
  }

  /** Replaces the oldest slow client by a new one (before the server would close it as too slow). */
  void replaceSlow() throws IOException {
    Socket old;
    synchronized (slow) {
      old = slow.isEmpty() ? null : slow.remove(0);
    }
    connectSlow();
    if (old != null) {
      old.close();
    }
  }

  void record(boolean on) {
    recording = on;
  }

  long crowdEvents() {
    return crowdEvents.get();
  }

  /** What arrived at the fast client: "pair|openTime" -> arrivalMillis, ticks, arrivalMillis, ... in arrival order. */
  Map<String, CandleTable.LongList> arrivals() {
    Map<String, CandleTable.LongList> out = new HashMap<>();
    for (Arrival a : arrivals) {
      CandleTable.LongList l = out.computeIfAbsent(a.pair() + "|" + a.openTime(), k -> new CandleTable.LongList());
      l.add(a.atMillis());
      l.add(a.ticks());
    }
    return out;
  }

  @Override
  public void close() {
    for (WebSocket s : sockets) {
      s.abort();
    }
    synchronized (slow) {
      for (Socket s : slow) {
        try {
          s.close();
        } catch (IOException e) {
          // Closing anyway.
        }
      }
    }
  }

  /** Whole text messages to a consumer; always asks for the next one. */
  private static final class Listener implements WebSocket.Listener {
    private final java.util.function.Consumer<String> onMessage;
    private final StringBuilder partial = new StringBuilder();

    Listener(java.util.function.Consumer<String> onMessage) {
      this.onMessage = onMessage;
    }

    @Override
    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        onMessage.accept(partial.toString());
        partial.setLength(0);
      }
      w.request(1);
      return null;
    }
  }
}
