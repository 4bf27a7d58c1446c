package io.candles.serve;

import static org.junit.Assert.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

/** The conflating outbox's rules, with a transport driven by hand: when a frame is written is up to the test. */
public class OutboxTest {
  private final List<String> sent = new ArrayList<>();
  private final List<Runnable> pending = new ArrayList<>();
  private final ServerStats stats = new ServerStats();
  private long now;

  private Outbox outbox(boolean writesAtOnce) {
    return new Outbox((text, written, failed) -> {
      sent.add(text);
      if (writesAtOnce) {
        written.run();
      } else {
        pending.add(written);
      }
    }, () -> now, stats);
  }

  private void writeOne() {
    pending.remove(0).run();
  }

  @Test
  public void aFastClientGetsEveryStateInOrder() {
    Outbox o = outbox(true);
    for (int i = 1; i <= 100; i++) {
      o.offer(new Outbox.Key("s", 0), "state " + i);
    }
    assertEquals(100, sent.size());
    assertEquals("state 100", sent.get(99));
    assertEquals(0, o.waiting());
    assertEquals(-1, o.stalledSince());
  }

  @Test
  public void aSlowClientGetsTheNewestStatePerCandleAndWhatWaitsIsOnePerCandle() {
    Outbox o = outbox(false);
    now = 7;
    o.offer(new Outbox.Key("s", 0), "a1");
    for (int i = 2; i <= 50; i++) {
      o.offer(new Outbox.Key("s", 0), "a" + i);
      o.offer(new Outbox.Key("s", 60_000), "b" + i);
    }
    assertEquals("one in flight", List.of("a1"), sent);
    assertEquals("one waiting per candle", 2, o.waiting());
    assertEquals("stalled since the first send", 7, o.stalledSince());
    writeOne();
    writeOne();
    writeOne();
    assertEquals(List.of("a1", "a50", "b50"), sent);
    assertEquals(0, o.waiting());
    assertEquals(-1, o.stalledSince());
    assertEquals("48 replaced per candle", 96, stats.eventsConflated.sum());
  }

  @Test
  public void theSameCandleOnAnotherStreamIsItsOwnEvent() {
    Outbox o = outbox(false);
    o.offer(new Outbox.Key("a@kline_5m", 0), "x");
    o.offer(new Outbox.Key("a@kline_5m", 0), "y");
    o.offer(new Outbox.Key("a@kline_5m@step1m", 0), "z");
    writeOne();
    writeOne();
    writeOne();
    assertEquals(List.of("x", "y", "z"), sent);
  }
}
