package io.candles.serve;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Between the change feed and the clients: coalesces a burst per candle (while the dispatcher is
 * busy, a newer state of a candle replaces the one waiting), drops states not newer than the one
 * last sent (a re-read after a reconnect, a notification of a row read twice), writes each new
 * state as an event once, and hands it to the hub.
 */
final class Dispatcher implements AutoCloseable {
  /** How many candles' last states are remembered to drop repeats; far more than are live at once. */
  private static final int REMEMBERED = 200_000;

  private final StreamHub hub;
  private final List<KlineExtras.Extra> extras;
  private final ServerStats stats;
  private final ConcurrentHashMap<CandleRow.Key, CandleRow> pending = new ConcurrentHashMap<>();
  private final Semaphore signal = new Semaphore(0);
  private final Map<CandleRow.Key, CandleRow> lastSent = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<CandleRow.Key, CandleRow> eldest) {
      return size() > REMEMBERED;
    }
  };
  private final Thread thread;
  private volatile boolean closed;

  Dispatcher(StreamHub hub, List<KlineExtras.Extra> extras, ServerStats stats) {
    this.hub = hub;
    this.extras = extras;
    this.stats = stats;
    this.thread = new Thread(this::run, "candles-dispatcher");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** A new state of a row (the change feed's thread). */
  void offer(CandleRow row) {
    pending.merge(row.key(), row, (waiting, fresh) -> {
      stats.statesCoalesced.increment();
      return fresh.newerThan(waiting) ? fresh : waiting;
    });
    signal.release();
  }

  private void run() {
    while (!closed) {
      try {
        signal.acquire();
      } catch (InterruptedException e) {
        return;
      }
      signal.drainPermits();
      Iterator<CandleRow.Key> keys = pending.keySet().iterator();
      while (keys.hasNext()) {
        CandleRow row = pending.remove(keys.next());
        if (row != null) {
          dispatch(row);
        }
      }
    }
  }

  private void dispatch(CandleRow row) {
    CandleRow last = lastSent.get(row.key());
    if (last != null && !row.newerThan(last)) {
      return;
    }
    lastSent.put(row.key(), row);
    stats.statesDispatched.increment();
    hub.publish(row, KlineJson.event(row, extras));
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}
