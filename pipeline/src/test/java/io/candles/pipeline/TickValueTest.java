package io.candles.pipeline;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.candles.contract.Gap;
import io.candles.contract.GapCause;
import io.candles.contract.RejectReason;
import io.candles.contract.Tick;
import io.candles.contract.TickJson;
import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.testing.CoderProperties;
import org.junit.Test;

public class TickValueTest {

  private static final String VALUE = "{\"pair\":\"BTCUSDT\",\"bid\":\"58000.10\",\"ask\":\"58000.20\","
      + "\"event_time\":\"2021-10-14T18:54:00.123Z\",\"exchange\":\"binance\",\"update_id\":42}";

  private static TickValue deserialize(String text) {
    return new TickValueDeserializer().deserialize("ticks",
        text == null ? null : text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  public void aValidValueIsParsedOnceIntoItsTick() {
    Tick t = ((TickValue.Accepted) deserialize(VALUE)).tick();
    assertEquals("BTCUSDT", t.pair());
    assertEquals(5_800_010_000_000L, t.bid());
    assertEquals(5_800_020_000_000L, t.ask());
    assertEquals(java.time.Instant.parse("2021-10-14T18:54:00.123Z").toEpochMilli(),
        t.eventTimeMillis());
    assertEquals("binance", t.exchange());
    assertEquals(42, t.updateId());
  }

  @Test
  public void aBadValueIsRejectedWithItsRawTextAndReason() {
    TickValue.Rejected r = (TickValue.Rejected) deserialize("{\"pair\":\"BTCUSDT\"");
    assertEquals("{\"pair\":\"BTCUSDT\"", r.raw());
    assertEquals(RejectReason.INVALID_JSON, r.reason());
    assertTrue(r.detail(), r.detail().contains("JSON"));
  }

  @Test
  public void aRecordWithoutAValueIsRejectedNotThrown() {
    TickValue.Rejected r = (TickValue.Rejected) deserialize(null);
    assertNull(r.raw());
    assertEquals(RejectReason.INVALID_JSON, r.reason());
  }

  @Test
  public void invalidUtf8IsRejectedAndStillCarried() {
    byte[] bytes = {'{', '"', 'p', (byte) 0xC3, '"', '}'};
    TickValue.Rejected r =
        (TickValue.Rejected) new TickValueDeserializer().deserialize("ticks", bytes);
    assertTrue(r.raw().startsWith("{\"p"));
  }

  @Test
  public void theCoderRoundTripsBothKindsAndIsDeterministic() throws Exception {
    TickValue.Coder coder = TickValue.Coder.of();
    CoderProperties.coderDecodeEncodeEqual(coder, deserialize(VALUE));
    CoderProperties.coderDecodeEncodeEqual(coder, new TickValue.Accepted(
        new Tick("ETHUSDT", 1, 2, 3, Tick.NO_TIME, null, Tick.NO_UPDATE_ID)));
    // The spread before the tick, zero included, survives the coder.
    CoderProperties.coderDecodeEncodeEqual(coder, new TickValue.Accepted(
        new Tick("ETHUSDT", 1, 2, 3_000, Tick.NO_TIME, null, Tick.NO_UPDATE_ID, 0, 2_500)));
    CoderProperties.coderDecodeEncodeEqual(coder, new TickValue.Accepted(
        new Tick("ETHUSDT", 1, 2, 3_000, 3_001, "x", 5, 700_000_000_000_000_000L, -86_400_000L)));
    CoderProperties.coderDecodeEncodeEqual(coder, deserialize("garbage"));
    CoderProperties.coderDecodeEncodeEqual(coder, deserialize(null));
    CoderProperties.coderDeterministic(coder, deserialize(VALUE), deserialize(VALUE));
  }

  @Test
  public void gapRecordsAreAcceptedTimedAtTheirStartAndRoundTripLateOrNot() throws Exception {
    long now = System.currentTimeMillis();
    Gap gap = new Gap("BTCUSDT", now - 40_000, now - 1_000, GapCause.RECONNECT);
    TickValue v = deserialize(TickJson.write(gap));
    assertTrue(v instanceof TickValue.Accepted);
    TickValue.Accepted a = (TickValue.Accepted) v;
    assertEquals(gap, a.record());
    assertEquals(now - 40_000, a.eventTimeMillis());
    TickValue.Coder coder = TickValue.Coder.of();
    CoderProperties.coderDecodeEncodeEqual(coder, v);
    a.markLate(now);
    CoderProperties.coderDecodeEncodeEqual(coder, a);
    assertEquals(TickJson.write(gap), a.rawText());
    // A gap ending in the future would mark windows not yet lived: refused like a tick from there.
    TickValue future = deserialize(TickJson.write(new Gap("BTCUSDT", now, now + 3_600_000, GapCause.STOPPED)));
    assertEquals(RejectReason.EVENT_TIME_IN_FUTURE, ((TickValue.Rejected) future).reason());
  }

  @Test
  public void keysAreReadAsSharedPairStringsAndMayBeMissing() {
    PairKeyDeserializer keys = new PairKeyDeserializer();
    String a = keys.deserialize("ticks", "BTCUSDT".getBytes(StandardCharsets.UTF_8));
    String b = keys.deserialize("ticks", "BTCUSDT".getBytes(StandardCharsets.UTF_8));
    assertEquals("BTCUSDT", a);
    org.junit.Assert.assertSame(a, b);
    assertEquals("\u00e9t\u00e9", keys.deserialize("ticks", "\u00e9t\u00e9".getBytes(StandardCharsets.UTF_8)));
    assertNull(keys.deserialize("ticks", null));
  }
}
