package io.candles.pipeline;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;

import io.candles.contract.RejectReason;
import io.candles.contract.RejectedTickException;
import io.candles.contract.Tick;
import io.candles.contract.TickJson;
import org.junit.Test;

public class ParsedTicksTest {

  private static final String VALUE =
      "{\"pair\":\"BTCUSDT\",\"bid\":\"100.5\",\"ask\":\"100.7\",\"event_time\":1634237700000}";

  @Test
  public void theSameStringIsParsedOnce() throws Exception {
    Tick first = ParsedTicks.parse(VALUE);
    assertSame(first, ParsedTicks.parse(VALUE));
    assertEquals(TickJson.parse(VALUE), first);
  }

  @Test
  public void anEqualButDifferentStringIsParsedAgain() throws Exception {
    Tick first = ParsedTicks.parse(VALUE);
    String copy = new String(VALUE.toCharArray());
    Tick again = ParsedTicks.parse(copy);
    assertNotSame(first, again);
    assertEquals(first, again);
  }

  @Test
  public void aRejectedValueIsRejectedEveryTime() {
    String bad = "{\"pair\":\"BTCUSDT\",\"bid\":\"abc\",\"ask\":\"1\",\"event_time\":1}";
    for (int i = 0; i < 2; i++) {
      RejectedTickException e = assertThrows(RejectedTickException.class, () -> ParsedTicks.parse(bad));
      assertEquals(RejectReason.NON_NUMERIC_PRICE, e.reason());
    }
  }
}
