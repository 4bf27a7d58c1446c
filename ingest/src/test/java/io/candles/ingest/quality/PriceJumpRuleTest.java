package io.candles.ingest.quality;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.Assert.assertThrows;

import io.candles.contract.Prices;
import java.math.BigDecimal;
import org.junit.Test;

public class PriceJumpRuleTest {

  private static long mid(String bid, String ask) throws Exception {
    return Prices.mid(Prices.parsePrice("bid", bid, 0, bid.length()), Prices.parsePrice("ask", ask, 0, ask.length()));
  }

  @Test
  public void exactlyTheFractionIsNotAJumpOneUnitMoreIs() throws Exception {
    PriceJumpRule r = PriceJumpRule.of(new BigDecimal("0.01"), false);
    long last = mid("100.00", "100.00");
    assertThat(r.isJump(last, mid("101.00", "101.00")), is(false));
    assertThat(r.isJump(last, mid("99.00", "99.00")), is(false));
    assertThat(r.isJump(last, mid("101.00", "101.00000001")), is(true));
    assertThat(r.isJump(last, mid("98.99999999", "99.00")), is(true));
  }

  @Test
  public void noPreviousMidOrOffIsNeverAJump() throws Exception {
    assertThat(PriceJumpRule.of(new BigDecimal("0.01"), false).isJump(-1, mid("1", "1")), is(false));
    assertThat(PriceJumpRule.off().isJump(mid("1", "1"), mid("1000", "1000")), is(false));
    assertThat(PriceJumpRule.of(BigDecimal.ZERO, true).enabled(), is(false));
  }

  @Test
  public void largestPricesDoNotOverflow() throws Exception {
    PriceJumpRule r = PriceJumpRule.of(new BigDecimal("0.5"), false);
    long top = mid("9000000000", "9000000000");
    assertThat(r.isJump(top, mid("4500000000", "4500000000")), is(false));
    assertThat(r.isJump(top, mid("4499999999.99999999", "4500000000")), is(true));
    assertThat(r.isJump(mid("0.00000001", "0.00000001"), top), is(true));
    PriceJumpRule huge = PriceJumpRule.of(new BigDecimal("1000"), false);
    assertThat(huge.isJump(mid("1", "1"), mid("1000", "1000")), is(false));
  }

  @Test
  public void badFractionsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> PriceJumpRule.of(new BigDecimal("-0.1"), false));
    assertThrows(IllegalArgumentException.class, () -> PriceJumpRule.of(new BigDecimal("0.0000000001"), false));
    assertThrows(IllegalArgumentException.class, () -> PriceJumpRule.of(new BigDecimal("1000.1"), false));
    assertThat(PriceJumpRule.of(new BigDecimal("0.25"), false).fractionNanos(), is(250_000_000L));
  }
}
