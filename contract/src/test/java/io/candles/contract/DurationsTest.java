package io.candles.contract;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.time.Duration;
import org.junit.Test;

public class DurationsTest {

  @Test
  public void shortAndIsoFormsAreRead() {
    assertEquals(Duration.ofMillis(100), Durations.parse("x", "100ms"));
    assertEquals(Duration.ofSeconds(2), Durations.parse("x", " 2s "));
    assertEquals(Duration.ofMinutes(5), Durations.parse("x", "5m"));
    assertEquals(Duration.ofHours(1), Durations.parse("x", "1h"));
    assertEquals(Duration.ofDays(2), Durations.parse("x", "2d"));
    assertEquals(Duration.ofMinutes(5), Durations.parse("x", "PT5M"));
    assertEquals(Duration.ofMinutes(5), Durations.parse("x", "pt5m"));
    assertEquals(Duration.ofHours(26), Durations.parse("x", "P1DT2H"));
    assertEquals(Duration.ofDays(14), Durations.parse("x", "P2W"));
  }

  @Test
  public void anythingElseIsOneLineNamingTheOption() {
    for (String bad : new String[] {"five minutes", "", "-1s", "5 m", "P1M", "P1Y", "99999999999999999d", "1x"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse("windowSize", bad));
      assertEquals("--windowSize=" + bad + " is not a duration: write it like 100ms, 2s, 5m, 1h or PT5M", e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> Durations.parse("windowSize", null));
  }
}
