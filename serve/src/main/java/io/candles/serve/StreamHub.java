package io.candles.serve;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The WebSocket clients and who follows which stream; fans each candle's event out to its
 * streams' subscribers (one encoding per stream, shared by all of them), pings every client on
 * Binance's schedule and closes the dead and the stalled.
 */
final class StreamHub implements AutoCloseable {
  private final ServeOptions.Settings settings;
  private final ServerStats stats;
  private final Set<ClientSession> clients = ConcurrentHashMap.newKeySet();
  private final Map<String, Set<ClientSession>> byStream = new ConcurrentHashMap<>();
  private final Map<String, String[]> streamNames = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "candles-ws-timers");
    t.setDaemon(true);
    return t;
  });

  StreamHub(ServeOptions.Settings settings, ServerStats stats) {
    this.settings = settings;
    this.stats = stats;
    long ping = settings.pingInterval().toMillis();
    timers.scheduleAtFixedRate(() -> clients.forEach(ClientSession::ping), ping, ping, TimeUnit.MILLISECONDS);
    long pong = settings.pongTimeout().toNanos();
    long slow = settings.slowClientTimeout().toNanos();
    timers.scheduleAtFixedRate(() -> {
      long now = System.nanoTime();
      clients.forEach(c -> c.checkLiveness(now, pong, slow));
    }, 1, 1, TimeUnit.SECONDS);
  }

  /** Whether another client may connect. */
  boolean hasRoom() {
    return clients.size() < settings.maxClients();
  }

  int clientCount() {
    return clients.size();
  }

  Collection<ClientSession> clients() {
    return clients;
  }

  void add(ClientSession c) {
    clients.add(c);
  }

  void subscribe(ClientSession c, String stream) {
    byStream.computeIfAbsent(stream, s -> ConcurrentHashMap.newKeySet()).add(c);
  }

  void unsubscribe(ClientSession c, String stream) {
    Set<ClientSession> subs = byStream.get(stream);
    if (subs != null) {
      subs.remove(c);
    }
  }

  void remove(ClientSession c, Set<String> streams) {
    clients.remove(c);
    for (String s : streams) {
      unsubscribe(c, s);
    }
  }

  /** Runs {@code task} after {@code millis} on the timer thread. */
  void later(Runnable task, long millis) {
    if (!timers.isShutdown()) {
      timers.schedule(task, millis, TimeUnit.MILLISECONDS);
    }
  }

  /** Hands a candle's new state (already written as an event) to every client of its streams. */
  void publish(CandleRow row, String event) {
    String[] names = streamNames.computeIfAbsent(row.pair(),
        p -> new String[] {StreamName.aligned(p), StreamName.rolling(p)});
    // The rolling stream has every window; the aligned stream those on 5-minute boundaries.
    for (int i = row.aligned() ? 0 : 1; i < 2; i++) {
      Set<ClientSession> subs = byStream.get(names[i]);
      if (subs == null || subs.isEmpty()) {
        continue;
      }
      String wrapped = null;
      for (ClientSession c : subs) {
        if (c.combined()) {
          if (wrapped == null) {
            wrapped = KlineJson.combined(names[i], event);
          }
          c.offer(names[i], row.openTime(), wrapped);
        } else {
          c.offer(names[i], row.openTime(), event);
        }
      }
    }
  }

  /** Binance's notice before a shutdown, then a close with code 1001 to every client. */
  void shutdown() {
    String notice = "{\"e\":\"serverShutdown\",\"E\":" + System.currentTimeMillis() + "}";
    for (ClientSession c : clients) {
      c.reply(notice);
      c.close(org.eclipse.jetty.websocket.api.StatusCode.SHUTDOWN, "Server shutting down");
    }
  }

  @Override
  public void close() {
    timers.shutdownNow();
  }
}
