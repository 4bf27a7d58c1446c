package io.candles.serve;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import org.junit.Test;

/** Binance's two kline layouts, field by field, and prices that are exact. */
public class KlineJsonTest {
  /** The extras of a table from before issue 16's columns: only last_event_time. */
  private static final List<KlineExtras.Extra> EXTRAS = KlineExtras.ALL.subList(0, 1);
  private static final CandleRow ROW = new CandleRow("BTCUSDT", 1_634_237_400_000L, 1_634_237_700_000L,
      new BigDecimal("58000.17"), new BigDecimal("58010.5"), new BigDecimal("57990.000000005"), new BigDecimal("58001"),
      3845, false, 1_634_237_456_789_123L, List.of(1_634_237_456_700L));
  /** The same candle from a table with every extra: the quality columns (issue 16), in their kinds. */
  private static final CandleRow FULL = new CandleRow(ROW.pair(), ROW.openTime(), ROW.closeTime(), ROW.open(),
      ROW.high(), ROW.low(), ROW.close(), ROW.tickCount(), true, ROW.updatedAtMicros(), Arrays.asList(
          1_634_237_456_700L, 1_634_237_456_912L,
          "58000.16000000", "58010.49000000", "57989.990000000", "58000.99000000",
          "58000.18000000", "58010.51000000", "57990.010000000", "58001.01000000",
          "0.01000000", "0.03000000", "0.0133333333333333333333", "0.01250000", 12_345L, 2L));

  @Test
  public void restKlinesAreBinancesTwelveFieldsThenTheExtrasWhenAsked() {
    assertEquals("[[1634237400000,\"58000.17000000\",\"58010.50000000\",\"57990.000000005\",\"58001.00000000\",\"0\","
        + "1634237699999,\"0\",3845,\"0\",\"0\",\"0\"]]", KlineJson.restKlines(List.of(ROW), EXTRAS, false));
    assertEquals("[[1634237400000,\"58000.17000000\",\"58010.50000000\",\"57990.000000005\",\"58001.00000000\",\"0\","
        + "1634237699999,\"0\",3845,\"0\",\"0\",\"0\",{\"isFinal\":false,\"lastEventTime\":1634237456700}]]",
        KlineJson.restKlines(List.of(ROW), EXTRAS, true));
  }

  @Test
  public void eventsAreBinancesKlineEventWithTheExtrasInK() {
    String e = KlineJson.event(ROW, EXTRAS);
    assertEquals("{\"e\":\"kline\",\"E\":1634237456789,\"s\":\"BTCUSDT\",\"k\":{\"t\":1634237400000,\"T\":1634237699999,"
        + "\"s\":\"BTCUSDT\",\"i\":\"5m\",\"f\":-1,\"L\":-1,\"o\":\"58000.17000000\",\"c\":\"58001.00000000\","
        + "\"h\":\"58010.50000000\",\"l\":\"57990.000000005\",\"v\":\"0\",\"n\":3845,\"x\":false,\"q\":\"0\",\"V\":\"0\","
        + "\"Q\":\"0\",\"B\":\"0\",\"lastEventTime\":1634237456700}}", e);
    assertEquals("{\"stream\":\"btcusdt@kline_5m\",\"data\":" + e + "}", KlineJson.combined("btcusdt@kline_5m", e));
  }

  @Test
  public void theQualityColumnsFollowBinancesFieldsAsExactStringsAndNumbers() {
    assertEquals(16, KlineExtras.ALL.size());
    String quality = "\"lastEventTime\":1634237456700,\"lastIngestTime\":1634237456912,"
        + "\"bidOpen\":\"58000.16000000\",\"bidHigh\":\"58010.49000000\",\"bidLow\":\"57989.990000000\","
        + "\"bidClose\":\"58000.99000000\",\"askOpen\":\"58000.18000000\",\"askHigh\":\"58010.51000000\","
        + "\"askLow\":\"57990.010000000\",\"askClose\":\"58001.01000000\",\"spreadMin\":\"0.01000000\","
        + "\"spreadMax\":\"0.03000000\",\"spreadMean\":\"0.0133333333333333333333\",\"spreadTwa\":\"0.01250000\","
        + "\"gapMs\":12345,\"gapCount\":2";
    assertEquals("[[1634237400000,\"58000.17000000\",\"58010.50000000\",\"57990.000000005\",\"58001.00000000\",\"0\","
        + "1634237699999,\"0\",3845,\"0\",\"0\",\"0\",{\"isFinal\":true," + quality + "}]]",
        KlineJson.restKlines(List.of(FULL), KlineExtras.ALL, true));
    // Binance's fields are untouched by the extras: the same as the older table's, up to the first extra.
    String event = KlineJson.event(FULL, KlineExtras.ALL);
    String before = KlineJson.event(ROW, EXTRAS).replace("\"x\":false", "\"x\":true");
    assertEquals(before.substring(0, before.indexOf("\"lastEventTime\"")) + quality + "}}", event);
    // A row written before the pipeline fills them has nulls, written as JSON null.
    CandleRow unfilled = new CandleRow(ROW.pair(), ROW.openTime(), ROW.closeTime(), ROW.open(), ROW.high(), ROW.low(),
        ROW.close(), ROW.tickCount(), false, ROW.updatedAtMicros(), Arrays.asList(
            1_634_237_456_700L, null, null, null, null, null, null, null, null, null, null, null, null, null, 0L, 0L));
    assertTrue(KlineJson.event(unfilled, KlineExtras.ALL).endsWith(
        "\"lastIngestTime\":null,\"bidOpen\":null,\"bidHigh\":null,\"bidLow\":null,\"bidClose\":null,"
        + "\"askOpen\":null,\"askHigh\":null,\"askLow\":null,\"askClose\":null,\"spreadMin\":null,"
        + "\"spreadMax\":null,\"spreadMean\":null,\"spreadTwa\":null,\"gapMs\":0,\"gapCount\":0}}"));
  }

  @Test
  public void pricesAreExactNeverRoundedNeverInExponentForm() {
    assertEquals("58000.00000000", Prices.format(new BigDecimal("5.8E+4")));
    assertEquals("0.000000001", Prices.format(new BigDecimal("1E-9")));
    assertEquals("2.500000001", Prices.format(new BigDecimal("2.5000000010")));
    assertEquals("100.00305000", Prices.format(new BigDecimal("100.00305")));
  }

  @Test
  public void streamNamesAreBinancesWithTheRollingExtension() {
    assertEquals(new StreamName("BTCUSDT", false), StreamName.parse("btcusdt@kline_5m"));
    assertEquals(new StreamName("BTCUSDT", true), StreamName.parse("BTCUSDT@kline_5m@step1m"));
    assertEquals("btcusdt@kline_5m@step1m", StreamName.parse("BTCUSDT@kline_5m@step1m").name());
    for (String bad : List.of("btcusdt@kline_1m", "btcusdt@trade", "btcusdt", "btc usdt@kline_5m", "@kline_5m")) {
      try {
        StreamName.parse(bad);
        throw new AssertionError(bad + " accepted");
      } catch (IllegalArgumentException e) {
        assertEquals(bad, true, e.getMessage().contains("<pair>@kline_5m"));
      }
    }
  }
}
