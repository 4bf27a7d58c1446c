package io.candles.contract;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.fail;

import java.math.BigDecimal;
import java.time.Instant;
import org.junit.Test;

public class TickJsonTest {

  private static final String CONTRACT_EXAMPLE =
      "{\"pair\":\"BTCUSDT\",\"bid\":\"58000.10\",\"ask\":\"58000.20\",\n"
          + " \"event_time\":\"2021-10-14T18:54:00.123Z\",\"ingest_time\":\"2021-10-14T18:54:00.150Z\",\n"
          + " \"exchange\":\"binance\",\"update_id\":400900217}";

  @Test
  public void readsTheContractExample() throws Exception {
    Tick t = TickJson.parse(CONTRACT_EXAMPLE);
    assertEquals("BTCUSDT", t.pair());
    assertEquals(new BigDecimal("58000.1"), Prices.priceToDecimal(t.bid()));
    assertEquals(new BigDecimal("58000.2"), Prices.priceToDecimal(t.ask()));
    assertEquals(new BigDecimal("58000.15"), Prices.midToDecimal(t.mid()));
    assertEquals(Instant.parse("2021-10-14T18:54:00.123Z").toEpochMilli(), t.eventTimeMillis());
    assertEquals(Instant.parse("2021-10-14T18:54:00.150Z").toEpochMilli(), t.ingestTimeMillis());
    assertEquals("binance", t.exchange());
    assertEquals(400900217L, t.updateId());
  }

  @Test
  public void midIsExactWhereDoubleIsNot() throws Exception {
    // 0.1 + 0.2 is 0.30000000000000004 in double; the mid of 0.1 and 0.2 must be exactly 0.15.
    Tick t = parse("{\"pair\":\"X\",\"bid\":\"0.1\",\"ask\":\"0.2\",\"event_time\":0}");
    assertEquals(new BigDecimal("0.15"), Prices.midToDecimal(t.mid()));
    Tick odd = parse("{\"pair\":\"X\",\"bid\":\"0.00000001\",\"ask\":\"0.00000002\",\"event_time\":0}");
    assertEquals(new BigDecimal("0.000000015"), Prices.midToDecimal(odd.mid()));
  }

  @Test
  public void acceptsTheSeedTimeFormAndEpochMillis() throws Exception {
    long expected = Instant.parse("2021-10-14T18:54:00.123Z").toEpochMilli();
    assertEquals(expected, parse(tick("\"2021-10-14 18:54:00.123\"")).eventTimeMillis());
    assertEquals(expected, parse(tick(Long.toString(expected))).eventTimeMillis());
    assertEquals(expected, parse(tick("\"2021-10-14T20:54:00.123+02:00\"")).eventTimeMillis());
    assertEquals(expected - 123, parse(tick("\"2021-10-14T18:54:00Z\"")).eventTimeMillis());
    assertEquals(expected, parse(tick("\"2021-10-14T18:54:00.123456Z\"")).eventTimeMillis());
  }

  @Test
  public void skipsUnknownFieldsOfAnyShapeAndDecodesEscapes() throws Exception {
    Tick t = parse("{\"extra\":{\"a\":[1,2.5e3,{\"b\":null}],\"c\":true},\"pair\":\"ETH\\u0055SDT\","
        + "\"bid\":1800.5,\"ask\":\"1800.75\",\"event_time\":\"2021-10-14T18:54:00Z\",\"note\":\"q\\\"x\"}");
    assertEquals("ETHUSDT", t.pair());
    assertEquals(new BigDecimal("1800.625"), Prices.midToDecimal(t.mid()));
    assertNull(t.exchange());
    assertEquals(Tick.NO_UPDATE_ID, t.updateId());
    assertEquals(Tick.NO_TIME, t.ingestTimeMillis());
  }

  @Test
  public void extraZeroDecimalPlacesAreExact() throws Exception {
    Tick t = parse("{\"pair\":\"X\",\"bid\":\"1.1000000000\",\"ask\":\"1.1\",\"event_time\":0}");
    assertEquals(t.bid(), t.ask());
  }

  @Test
  public void rejectsInvalidJson() {
    assertRejected(null, RejectReason.INVALID_JSON, "empty");
    assertRejected("", RejectReason.INVALID_JSON, "empty");
    assertRejected("not json", RejectReason.INVALID_JSON, "start");
    assertRejected("{\"pair\":\"X\"", RejectReason.INVALID_JSON, "ends too early");
    assertRejected(CONTRACT_EXAMPLE + "x", RejectReason.INVALID_JSON, "after the object");
    assertRejected("[1,2]", RejectReason.INVALID_JSON, "start");
    assertRejected("{\"pair\":\"X\",\"bid\":\"1\",\"ask\":\"2\",\"event_time\":0,\"z\":01}",
        RejectReason.INVALID_JSON, "number");
  }

  @Test
  public void rejectsMissingFields() {
    assertRejected("{\"bid\":\"1\",\"ask\":\"2\",\"event_time\":0}", RejectReason.MISSING_FIELD, "pair");
    assertRejected("{\"pair\":\"\",\"bid\":\"1\",\"ask\":\"2\",\"event_time\":0}", RejectReason.MISSING_FIELD, "pair");
    assertRejected("{\"pair\":\"X\",\"ask\":\"2\",\"event_time\":0}", RejectReason.MISSING_FIELD, "bid");
    assertRejected("{\"pair\":\"X\",\"bid\":\"1\",\"ask\":null,\"event_time\":0}", RejectReason.MISSING_FIELD, "ask");
    assertRejected("{\"pair\":\"X\",\"bid\":\"1\",\"ask\":\"2\"}", RejectReason.MISSING_FIELD, "event_time");
  }

  @Test
  public void rejectsBadPrices() {
    assertRejected(prices("\"abc\"", "\"2\""), RejectReason.NON_NUMERIC_PRICE, "bid");
    assertRejected(prices("\"1\"", "\"1e5\""), RejectReason.NON_NUMERIC_PRICE, "ask");
    assertRejected(prices("\"1.\"", "\"2\""), RejectReason.NON_NUMERIC_PRICE, "bid");
    assertRejected(prices("true", "\"2\""), RejectReason.NON_NUMERIC_PRICE, "bid");
    assertRejected(prices("\"0\"", "\"2\""), RejectReason.NON_POSITIVE_PRICE, "bid");
    assertRejected(prices("\"1\"", "\"-2\""), RejectReason.NON_POSITIVE_PRICE, "ask");
    assertRejected(prices("\"0.000000001\"", "\"2\""), RejectReason.PRICE_OUT_OF_RANGE, "decimal places");
    assertRejected(prices("\"1\"", "\"9000000000.00000001\""), RejectReason.PRICE_OUT_OF_RANGE, "largest");
    assertRejected(prices("\"1\"", "\"123456789012\""), RejectReason.PRICE_OUT_OF_RANGE, "largest");
    assertRejected(prices("\"2\"", "\"1.99999999\""), RejectReason.CROSSED_BOOK, "below bid");
  }

  @Test
  public void acceptsTheLargestPriceAndALockedBook() throws Exception {
    Tick t = parse(prices("\"9000000000\"", "\"9000000000.00000000\""));
    assertEquals(new BigDecimal("9000000000"), Prices.midToDecimal(t.mid()));
  }

  @Test
  public void rejectsBadTimes() {
    assertRejected(tick("\"yesterday\""), RejectReason.UNPARSEABLE_TIME, "event_time");
    assertRejected(tick("\"2021-02-30T00:00:00Z\""), RejectReason.UNPARSEABLE_TIME, "event_time");
    assertRejected(tick("\"2021-10-14T25:00:00Z\""), RejectReason.UNPARSEABLE_TIME, "event_time");
    assertRejected(tick("1.5"), RejectReason.UNPARSEABLE_TIME, "event_time");
    assertRejected(tick("-1"), RejectReason.UNPARSEABLE_TIME, "event_time");
    assertRejected(tick("false"), RejectReason.UNPARSEABLE_TIME, "event_time");
  }

  @Test
  public void writeThenParseRoundTrips() throws Exception {
    long t = Instant.parse("2024-02-29T23:59:59.999Z").toEpochMilli();
    String json = TickJson.write("SOL\"USDT", "101.25", "101.30", t, t + 5, "sim", 42);
    Tick back = TickJson.parse(json);
    assertEquals(new Tick("SOL\"USDT", 10_125_000_000L, 10_130_000_000L, t, t + 5, "sim", 42), back);
    assertThat(TickJson.write("X", "1", "2", 0, Tick.NO_TIME, null, Tick.NO_UPDATE_ID),
        is("{\"pair\":\"X\",\"bid\":\"1\",\"ask\":\"2\",\"event_time\":\"1970-01-01T00:00:00Z\"}"));
  }

  @Test
  public void thePreviousSpreadRoundTripsWithItsTimeAndZeroIsASpread() throws Exception {
    long t = Instant.parse("2024-02-29T23:59:59.999Z").toEpochMilli();
    String json = TickJson.write("BTCUSDT", "101.25", "101.30", t, t + 5, "sim", 42, 3_000_000L, t - 250);
    assertThat(json, containsString("\"prev_spread\":\"0.03\",\"prev_event_time\":\"2024-02-29T23:59:59.749Z\""));
    Tick back = TickJson.parse(json);
    assertEquals(new Tick("BTCUSDT", 10_125_000_000L, 10_130_000_000L, t, t + 5, "sim", 42, 3_000_000L, t - 250),
        back);
    assertThat(back.hasPrevious(), is(true));
    Tick zero = parse(withPrevious("\"0\"", "0"));
    assertEquals(0L, zero.prevSpread());
    assertEquals(0L, zero.prevEventTimeMillis());
    // Without a previous tick (after a gap) the writer leaves both out.
    assertThat(TickJson.write("X", "1", "2", 0, Tick.NO_TIME, null, Tick.NO_UPDATE_ID, Tick.NO_SPREAD, Tick.NO_TIME),
        is("{\"pair\":\"X\",\"bid\":\"1\",\"ask\":\"2\",\"event_time\":\"1970-01-01T00:00:00Z\"}"));
  }

  @Test
  public void aBadOrLonePreviousSpreadIsIgnoredAndTheTickKept() throws Exception {
    // Optional fields, like ingest_time: the tick itself is valid, so it is kept without them.
    for (String[] bad : new String[][] {
        {"\"-0.5\"", "0"}, {"\"abc\"", "0"}, {"true", "0"}, {"null", "0"}, {"\"0.1\"", "\"yesterday\""},
        {"\"0.1\"", "null"}, {"\"0.123456789\"", "0"},
        // after the tick it would precede: nothing held before this tick from then
        {"\"0.1\"", "5"}}) {
      Tick tick = parse(withPrevious(bad[0], bad[1]));
      assertEquals(String.join(" ", bad), Tick.NO_SPREAD, tick.prevSpread());
      assertEquals(String.join(" ", bad), Tick.NO_TIME, tick.prevEventTimeMillis());
      assertThat(tick.hasPrevious(), is(false));
    }
    Tick lone = parse("{\"pair\":\"X\",\"bid\":\"1\",\"ask\":\"2\",\"event_time\":4,\"prev_spread\":\"1\"}");
    assertThat(lone.hasPrevious(), is(false));
  }

  @Test
  public void deadLetterEnvelopeCarriesTheRawValueAndReason() {
    RejectedTickException e = assertRejected("{oops", RejectReason.INVALID_JSON, "field name");
    String json = DeadLetter.of("BTCUSDT", "{oops", e, "ticks/0@7").toJson();
    assertThat(json, containsString("\"reason\":\"invalid_json\""));
    assertThat(json, containsString("\"source\":\"ticks/0@7\""));
    assertThat(json, containsString("\"raw\":\"{oops\""));
  }

  private static String tick(String eventTime) {
    return "{\"pair\":\"BTCUSDT\",\"bid\":\"1\",\"ask\":\"2\",\"event_time\":" + eventTime + "}";
  }

  /** A tick at event time 4 ms with the given previous spread and time values. */
  private static String withPrevious(String spread, String time) {
    return "{\"pair\":\"BTCUSDT\",\"bid\":\"1\",\"ask\":\"2\",\"event_time\":4,\"prev_spread\":" + spread
        + ",\"prev_event_time\":" + time + "}";
  }

  private static String prices(String bid, String ask) {
    return "{\"pair\":\"BTCUSDT\",\"bid\":" + bid + ",\"ask\":" + ask + ",\"event_time\":0}";
  }

  private static Tick parse(String json) throws RejectedTickException {
    return TickJson.parse(json);
  }

  private static RejectedTickException assertRejected(String json, RejectReason reason, String detailPart) {
    try {
      Tick t = TickJson.parse(json);
      fail("expected " + reason + " for " + json + " but got " + t);
      return null;
    } catch (RejectedTickException e) {
      assertThat(json + " -> " + e.detail(), e.reason(), is(reason));
      assertThat(e.detail(), containsString(detailPart));
      return e;
    }
  }

  @Test
  public void readsUtf8BytesAtAnOffsetAsTheTextWouldRead() throws Exception {
    // Non-ASCII text, raw and around an escape: decoded as UTF-8, as the text itself would be.
    String value = "{\"pair\":\"BTC\u20acUSD\",\"bid\":\"1\",\"ask\":\"2\",\"event_time\":0,"
        + "\"exchange\":\"b\u00f6rse \\u0041\u00e9\"}";
    byte[] utf8 = value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] framed = new byte[utf8.length + 7];
    System.arraycopy(utf8, 0, framed, 3, utf8.length);
    Tick t = TickJson.parse(framed, 3, utf8.length);
    assertEquals("BTC\u20acUSD", t.pair());
    assertEquals("b\u00f6rse A\u00e9", t.exchange());
    assertEquals(TickJson.parse(value), t);
  }

  @Test
  public void aNonAsciiPriceIsNotNumericAndNamedAsSent() {
    assertRejected("{\"pair\":\"X\",\"bid\":\"1\u00bd\",\"ask\":\"2\",\"event_time\":0}",
        RejectReason.NON_NUMERIC_PRICE, "1\u00bd");
  }

  @Test
  public void aControlCharacterOrAnUnclosedStringInBytesIsInvalidJson() {
    assertRejected("{\"pair\":\"X\u0001\"}", RejectReason.INVALID_JSON, "control character");
    assertRejected("{\"pair\":\"X", RejectReason.INVALID_JSON, "not closed at byte 10");
  }

  @Test
  public void pairsAreSharedStringsAndEveryPairStaysItself() throws Exception {
    Tick a = parse("{\"pair\":\"SOLUSDT\",\"bid\":\"1\",\"ask\":\"2\",\"event_time\":0}");
    Tick b = parse("{\"pair\":\"SOLUSDT\",\"bid\":\"3\",\"ask\":\"4\",\"event_time\":0}");
    org.junit.Assert.assertSame(a.pair(), b.pair());
    // Far more pairs than the table has slots: colliding ones are still read right.
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < 5000; i++) {
        String pair = "P" + i;
        assertEquals(pair, parse("{\"pair\":\"" + pair + "\",\"bid\":\"1\",\"ask\":\"2\","
            + "\"event_time\":0}").pair());
      }
    }
  }
}
