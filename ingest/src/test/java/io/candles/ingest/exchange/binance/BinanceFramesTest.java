package io.candles.ingest.exchange.binance;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.Assert.assertThrows;

import io.candles.contract.RejectReason;
import io.candles.contract.RejectedTickException;
import io.candles.ingest.TestResources;
import org.junit.Test;

/** Parsing captured Binance payloads of each form into wire records. */
public class BinanceFramesTest {

  @Test
  public void spotCombinedIsUnwrapped() throws Exception {
    BinanceMessage m = BinanceFrames.parse(TestResources.text("binance/spot-combined.json"));
    assertThat(m, instanceOf(BinanceMessage.BookTicker.class));
    BinanceMessage.BookTicker t = (BinanceMessage.BookTicker) m;
    assertThat(t.stream(), is("btcusdt@bookTicker"));
    assertThat(t.updateId(), is("52345678901"));
    assertThat(t.symbol(), is("BTCUSDT"));
    assertThat(t.bidPrice(), is("67012.34000000"));
    assertThat(t.bidQty(), is("1.23456000"));
    assertThat(t.askPrice(), is("67012.35000000"));
    assertThat(t.askQty(), is("0.00234000"));
    assertThat(t.eventTime(), nullValue());
    assertThat(t.eventType(), nullValue());
  }

  @Test
  public void spotRawHasNoStream() throws Exception {
    BinanceMessage.BookTicker t =
        (BinanceMessage.BookTicker) BinanceFrames.parse(TestResources.text("binance/spot-raw.json"));
    assertThat(t.stream(), nullValue());
    assertThat(t.updateId(), is("400900217"));
    assertThat(t.symbol(), is("BNBUSDT"));
    assertThat(t.bidPrice(), is("25.35190000"));
    assertThat(t.askPrice(), is("25.36520000"));
  }

  @Test
  public void futuresCarryEventAndTransactionTime() throws Exception {
    BinanceMessage.BookTicker c =
        (BinanceMessage.BookTicker) BinanceFrames.parse(TestResources.text("binance/futures-combined.json"));
    assertThat(c.stream(), is("btcusdt@bookTicker"));
    assertThat(c.eventType(), is("bookTicker"));
    assertThat(c.eventTime(), is("1718049600125"));
    assertThat(c.transactionTime(), is("1718049600123"));
    assertThat(c.bidPrice(), is("67010.10"));
    BinanceMessage.BookTicker r =
        (BinanceMessage.BookTicker) BinanceFrames.parse(TestResources.text("binance/futures-raw.json"));
    assertThat(r.stream(), nullValue());
    assertThat(r.eventTime(), is("1568014460893"));
    assertThat(r.transactionTime(), is("1568014460891"));
    assertThat(r.updateId(), is("400900217"));
  }

  @Test
  public void subscribeResponseIsAResult() throws Exception {
    BinanceMessage m = BinanceFrames.parse(TestResources.text("binance/subscribe-response.json"));
    assertThat(m, is(new BinanceMessage.Result("1", null)));
  }

  @Test
  public void errorRepliesInBothShapes() throws Exception {
    assertThat(BinanceFrames.parse(TestResources.text("binance/error-response.json")),
        is(new BinanceMessage.Error(null, "2", "Invalid request: request ID must be an unsigned integer")));
    assertThat(BinanceFrames.parse(TestResources.text("binance/error-response-nested.json")),
        is(new BinanceMessage.Error("7", "2", "Invalid request: unknown variable")));
  }

  @Test
  public void garbageIsRejectedWithAReason() {
    java.util.List<String> lines = TestResources.lines("binance/garbage.txt");
    RejectReason[] expected = {
        RejectReason.INVALID_JSON, // not JSON
        RejectReason.INVALID_JSON, // truncated
        RejectReason.INVALID_JSON, // an array
        RejectReason.INVALID_JSON, // trailing text
        RejectReason.INVALID_JSON, // unquoted key
        RejectReason.MISSING_FIELD, // data is not an object
        RejectReason.INVALID_JSON, // an HTML page
    };
    assertThat(lines.size(), is(expected.length));
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      RejectedTickException e = assertThrows(line, RejectedTickException.class, () -> BinanceFrames.parse(line));
      assertThat(line, e.reason(), is(expected[i]));
    }
  }

  @Test
  public void symbolMustBeAString() {
    RejectedTickException e = assertThrows(RejectedTickException.class,
        () -> BinanceFrames.parse("{\"u\":1,\"s\":42,\"b\":\"1\",\"a\":\"2\"}"));
    assertThat(e.reason(), is(RejectReason.MISSING_FIELD));
  }
}
