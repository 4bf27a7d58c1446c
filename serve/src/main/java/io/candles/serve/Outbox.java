package io.candles.serve;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * What one WebSocket client has yet to receive, conflated: at most one event per (stream, candle),
 * the newest, which replaces an older one still waiting (in its place in the line). One frame at a
 * time is in the transport's hands; the next leaves when it is written. So a fast client gets every
 * state, a slow one gets the newest state of each candle whenever it can take one, what waits is
 * bounded by the candles it follows, and no other client waits for it.
 */
final class Outbox {

  /** Where frames go: sends one, and calls back once it is written (or has failed). */
  interface Transport {
    void send(String text, Runnable written, java.util.function.Consumer<Throwable> failed);
  }

  /** A candle of a stream. */
  record Key(String stream, long openTime) {}

  private final Transport transport;
  private final LongSupplier clock;
  private final ServerStats stats;
  private final LinkedHashMap<Key, String> waiting = new LinkedHashMap<>();
  private boolean sending;
  private long sendingSince;
  private boolean failed;

  Outbox(Transport transport, LongSupplier clock, ServerStats stats) {
    this.transport = transport;
    this.clock = clock;
    this.stats = stats;
  }

  /** Queues {@code text} for a candle, replacing a state of it that is still waiting. */
  void offer(Key key, String text) {
    synchronized (this) {
      if (failed) {
        return;
      }
      if (waiting.put(key, text) != null) {
        stats.eventsConflated.increment();
      }
      if (sending) {
        return;
      }
      sending = true;
      sendingSince = clock.getAsLong();
    }
    drain();
  }

  /** Events waiting. */
  synchronized int waiting() {
    return waiting.size();
  }

  /** Since when the frame in flight has been waiting to be written, or -1 if none is. */
  synchronized long stalledSince() {
    return sending ? sendingSince : -1;
  }

  /**
   * Sends waiting frames until one does not complete at once (its callback then carries on) or
   * none is left. A transport that completes inline does not recurse: the loop goes on instead.
   */
  private void drain() {
    while (true) {
      String next;
      synchronized (this) {
        Iterator<Map.Entry<Key, String>> it = waiting.entrySet().iterator();
        if (failed || !it.hasNext()) {
          sending = false;
          return;
        }
        next = it.next().getValue();
        it.remove();
        sendingSince = clock.getAsLong();
      }
      // 0: in flight; 1: written before send() returned; 2: send() returned first.
      AtomicInteger state = new AtomicInteger();
      transport.send(next, () -> {
        stats.eventsSent.increment();
        if (!state.compareAndSet(0, 1)) {
          drain();
        }
      }, error -> {
        synchronized (this) {
          failed = true;
          sending = false;
          waiting.clear();
        }
      });
      if (state.compareAndSet(0, 2)) {
        return;
      }
    }
  }
}
