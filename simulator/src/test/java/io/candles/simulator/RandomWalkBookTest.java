package io.candles.simulator;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;

import io.candles.contract.Prices;
import java.util.regex.Pattern;
import org.junit.Test;

public class RandomWalkBookTest {
  private static final Pattern EIGHT_DECIMALS = Pattern.compile("[1-9][0-9]*\\.[0-9]{8}");

  @Test
  public void neverCrossedExactStringsOnTheTickGridIncreasingIds() throws Exception {
    for (String pair : new String[] {"BTCUSDT", "ETHUSDT", "XRPUSDT"}) {
      RandomWalkBook book = new RandomWalkBook(pair, 7);
      long tick = pair.equals("XRPUSDT") ? 10_000L : 1_000_000L;
      long lastId = -1;
      for (int i = 0; i < 100_000; i++) {
        SimQuote q = book.next(1_700_000_000_000L + i);
        assertThat(q.bid(), EIGHT_DECIMALS.matcher(q.bid()).matches(), is(true));
        assertThat(q.ask(), EIGHT_DECIMALS.matcher(q.ask()).matches(), is(true));
        long bid = Prices.parsePrice("bid", q.bid(), 0, q.bid().length());
        long ask = Prices.parsePrice("ask", q.ask(), 0, q.ask().length());
        assertThat(ask, greaterThan(bid));
        assertThat(bid % tick, is(0L));
        assertThat(ask % tick, is(0L));
        assertThat(Prices.parsePrice("qty", q.bidQty(), 0, q.bidQty().length()), greaterThanOrEqualTo(100_000L));
        assertThat(q.updateId(), greaterThan(lastId));
        lastId = q.updateId();
      }
    }
  }

  @Test
  public void formatIsExact() {
    assertThat(RandomWalkBook.format(5_800_010_000_000L), is("58000.10000000"));
    assertThat(RandomWalkBook.format(1L), is("0.00000001"));
    assertThat(RandomWalkBook.format(100_000_000L), is("1.00000000"));
  }

  @Test
  public void sameSeedSameWalk() {
    RandomWalkBook a = new RandomWalkBook("BTCUSDT", 3);
    RandomWalkBook b = new RandomWalkBook("BTCUSDT", 3);
    for (int i = 0; i < 100; i++) {
      assertThat(a.next(1), is(b.next(1)));
    }
  }

  @Test
  public void payloadForms() {
    SimQuote q = new SimQuote("BTCUSDT", 42, "1.00000000", "2.00000000", "1.01000000", "3.00000000", 1_000L);
    assertThat(q.spotJson(),
        is("{\"u\":42,\"s\":\"BTCUSDT\",\"b\":\"1.00000000\",\"B\":\"2.00000000\",\"a\":\"1.01000000\",\"A\":\"3.00000000\"}"));
    assertThat(q.futuresJson(), is("{\"e\":\"bookTicker\",\"u\":42,\"s\":\"BTCUSDT\",\"b\":\"1.00000000\","
        + "\"B\":\"2.00000000\",\"a\":\"1.01000000\",\"A\":\"3.00000000\",\"T\":999,\"E\":1000}"));
    assertThat(SimQuote.combined("btcusdt@bookTicker", "{}"), is("{\"stream\":\"btcusdt@bookTicker\",\"data\":{}}"));
  }
}
