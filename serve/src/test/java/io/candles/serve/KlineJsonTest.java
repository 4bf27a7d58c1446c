package io.candles.serve;

import static org.junit.Assert.assertEquals;

import java.math.BigDecimal;
import java.util.List;
import org.junit.Test;

/** Binance's two kline layouts, field by field, and prices that are exact. */
public class KlineJsonTest {
  private static final List<KlineExtras.Extra> EXTRAS = KlineExtras.ALL;
  private static final CandleRow ROW = new CandleRow("BTCUSDT", 1_634_237_400_000L, 1_634_237_700_000L,
      new BigDecimal("58000.17"), new BigDecimal("58010.5"), new BigDecimal("57990.000000005"), new BigDecimal("58001"),
      3845, false, 1_634_237_456_789_123L, List.of(1_634_237_456_700L));

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
