package io.candles.contract;

import static org.junit.Assert.assertEquals;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.Test;

public class EventTimesTest {

  /** The fast path must agree with java.time on every date, leap days and old years included. */
  @Test
  public void agreesWithJavaTimeOnRandomInstants() throws Exception {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 20_000; i++) {
      long millis = random.nextLong(0, 253_402_300_799_999L);
      String iso = Instant.ofEpochMilli(millis).toString();
      assertEquals(iso, millis, EventTimes.parseIso("t", iso, 0, iso.length()));
      String seed = iso.replace('T', ' ').replace("Z", "");
      assertEquals(seed, millis, EventTimes.parseIso("t", seed, 0, seed.length()));
    }
  }

  @Test
  public void formatIsIsoUtc() {
    assertEquals("2021-10-14T18:54:00.123Z", EventTimes.format(1634237640123L));
  }
}
