package io.candles.pipeline;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import io.candles.contract.Prices;
import io.candles.contract.RejectReason;
import io.candles.contract.TickRules;
import io.candles.testkit.ContractOracle;
import io.candles.testkit.OddTicks;
import java.nio.charset.StandardCharsets;
import org.junit.Test;

/**
 * The pipeline's reader of Kafka values (parse, validate, clock rule) on twelve thousand seeded
 * good, odd and hostile values: every one becomes the tick the contract gives it or a rejection
 * with one of its reasons, carrying the raw value for the dead letter; nothing throws.
 */
public class TickValueFuzzTest {

  @Test
  public void everyValueBecomesItsTickOrARejectionWithAReasonAndNothingThrows() {
    long now = System.currentTimeMillis();
    TickValueDeserializer deserializer = new TickValueDeserializer(() -> now);
    OddTicks inputs = new OddTicks(4242);
    for (int i = 0; i < 12_000; i++) {
      byte[] value = inputs.next();
      ContractOracle.Verdict expected = ContractOracle.judge(value);
      TickValue got;
      try {
        got = deserializer.deserialize("ticks", value);
      } catch (RuntimeException | StackOverflowError e) {
        throw new AssertionError("value " + i + " crashed the reader: " + show(value), e);
      }
      // The clock rule: against the ingest time when there is one, never a time after now.
      boolean future = expected instanceof ContractOracle.Valid v
          && v.eventTimeMillis() - (v.ingestTimeMillis() == null ? now : Math.min(v.ingestTimeMillis(), now))
              > TickRules.DEFAULT_MAX_CLOCK_SKEW_MILLIS;
      if (got instanceof TickValue.Accepted a) {
        if (!(expected instanceof ContractOracle.Valid v) || future) {
          fail("value " + i + " was accepted as " + a + " but the contract rejects it: " + show(value));
          return;
        }
        assertEquals(v.pair(), a.tick().pair());
        assertEquals(0, v.bid().compareTo(Prices.priceToDecimal(a.tick().bid())));
        assertEquals(0, v.ask().compareTo(Prices.priceToDecimal(a.tick().ask())));
        assertEquals(v.eventTimeMillis(), a.tick().eventTimeMillis());
        continue;
      }
      TickValue.Rejected r = (TickValue.Rejected) got;
      assertEquals("the dead letter carries the value as received", value.length == 0 ? "" : new String(value,
          StandardCharsets.UTF_8), r.raw() == null ? "" : r.raw());
      if (future) {
        assertEquals("value " + i, RejectReason.EVENT_TIME_IN_FUTURE, r.reason());
      } else if (expected instanceof ContractOracle.Valid) {
        fail("value " + i + " is valid but was rejected as " + r.reason().code() + ": " + show(value));
      } else {
        var reasons = ((ContractOracle.Invalid) expected).reasons();
        if (!reasons.isEmpty() && !reasons.contains(r.reason().code())) {
          fail("value " + i + " was rejected as " + r.reason().code() + ", the contract says " + reasons + ": "
              + show(value));
        }
      }
    }
  }

  private static String show(byte[] value) {
    String s = new String(value, StandardCharsets.UTF_8);
    return s.length() > 300 ? s.substring(0, 300) + "... (" + value.length + " bytes)" : s;
  }
}
