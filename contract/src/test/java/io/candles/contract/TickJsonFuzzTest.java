package io.candles.contract;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import io.candles.testkit.ContractOracle;
import io.candles.testkit.OddTicks;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.Test;

/**
 * Twelve thousand seeded inputs, good, nearly good, odd and hostile ({@link OddTicks}), through the
 * contract's tick reader: each is accepted with exactly the values the contract gives it, or
 * rejected with one of the reasons the contract gives it ({@link ContractOracle}, which decides
 * independently with Jackson, BigDecimal and java.time), and none makes the reader throw anything
 * else.
 */
public class TickJsonFuzzTest {

  static final int INPUTS = 12_000;
  private static final Set<String> CONTRACT_REASONS = EnumSet.allOf(RejectReason.class).stream()
      .map(RejectReason::code).collect(Collectors.toSet());

  @Test
  public void everyInputIsAcceptedOrRejectedExactlyAsTheContractSays() {
    OddTicks inputs = new OddTicks(20211014);
    int accepted = 0;
    int rejected = 0;
    for (int i = 0; i < INPUTS; i++) {
      byte[] value = inputs.next();
      ContractOracle.Verdict expected = ContractOracle.judge(value);
      Tick tick;
      try {
        tick = TickJson.parse(value, 0, value.length);
      } catch (RejectedTickException e) {
        rejected++;
        if (!CONTRACT_REASONS.contains(e.reason().code())) {
          fail("input " + i + ": reason " + e.reason().code() + " is not one of the contract's");
        }
        if (expected instanceof ContractOracle.Valid v) {
          fail("input " + i + " is a valid tick " + v + " but was rejected (" + e.reason().code() + ": "
              + e.detail() + "): " + show(value));
        }
        Set<String> reasons = ((ContractOracle.Invalid) expected).reasons();
        if (!reasons.isEmpty() && !reasons.contains(e.reason().code())) {
          fail("input " + i + " was rejected as " + e.reason().code() + " (" + e.detail() + "); the contract says "
              + reasons + ": " + show(value));
        }
        continue;
      } catch (RuntimeException | StackOverflowError e) {
        throw new AssertionError("input " + i + " crashed the reader: " + show(value), e);
      }
      accepted++;
      if (!(expected instanceof ContractOracle.Valid v)) {
        fail("input " + i + " was accepted as " + tick + " but the contract rejects it for "
            + ((ContractOracle.Invalid) expected).reasons() + ": " + show(value));
        return;
      }
      assertEquals("input " + i + " pair", v.pair(), tick.pair());
      assertEquals("input " + i + " bid", 0, v.bid().compareTo(Prices.priceToDecimal(tick.bid())));
      assertEquals("input " + i + " ask", 0, v.ask().compareTo(Prices.priceToDecimal(tick.ask())));
      assertEquals("input " + i + " event time", v.eventTimeMillis(), tick.eventTimeMillis());
    }
    // The generator must really produce both kinds, in numbers.
    if (accepted < INPUTS / 20 || rejected < INPUTS / 2) {
      fail("the inputs are not varied enough: " + accepted + " accepted, " + rejected + " rejected");
    }
  }

  static String show(byte[] value) {
    String s = new String(value, StandardCharsets.UTF_8);
    return s.length() > 300 ? s.substring(0, 300) + "... (" + value.length + " bytes)" : s;
  }
}
