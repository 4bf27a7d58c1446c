package io.candles.contract;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.Test;

/** Gap records on the ticks topic: written and read back, told from ticks, and their errors. */
public class GapRecordTest {

  private static TickRecord read(String json) throws RejectedTickException {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    return TickJson.parseRecord(b, 0, b.length);
  }

  private static RejectReason rejection(String json) {
    return assertThrows(RejectedTickException.class, () -> read(json)).reason();
  }

  @Test
  public void aWrittenGapReadsBackEqual() throws Exception {
    Gap gap = new Gap("BTCUSDT", 1_634_237_640_123L, 1_634_237_680_500L, GapCause.RECONNECT);
    String json = TickJson.write(gap);
    assertEquals("{\"kind\":\"gap\",\"pair\":\"BTCUSDT\",\"gap_start\":\"2021-10-14T18:54:00.123Z\","
        + "\"gap_end\":\"2021-10-14T18:54:40.500Z\",\"cause\":\"reconnect\"}", json);
    assertEquals(gap, read(json));
    assertEquals(40_377L, gap.lengthMillis());
  }

  @Test
  public void aValueWithoutKindIsStillATick() throws Exception {
    TickRecord r = read("{\"pair\":\"BTCUSDT\",\"bid\":\"1.0\",\"ask\":\"1.2\",\"event_time\":1000}");
    assertTrue(r instanceof Tick);
  }

  @Test
  public void fieldsInAnyOrderEpochTimesAndAnUnknownCause() throws Exception {
    assertEquals(new Gap("ETHUSDT", 1000, 2000, GapCause.OTHER),
        read("{\"cause\":\"solar_flare\",\"gap_end\":2000,\"extra\":[1],\"gap_start\":1000,"
            + "\"pair\":\"ETHUSDT\",\"kind\":\"gap\"}"));
  }

  @Test
  public void brokenGapsAreRejectedWithTheirReason() {
    assertEquals(RejectReason.INVALID_GAP,
        rejection("{\"kind\":\"gap\",\"pair\":\"X\",\"gap_start\":2000,\"gap_end\":1000}"));
    assertEquals(RejectReason.MISSING_FIELD, rejection("{\"kind\":\"gap\",\"pair\":\"X\",\"gap_start\":2000}"));
    assertEquals(RejectReason.MISSING_FIELD, rejection("{\"kind\":\"gap\",\"gap_start\":1,\"gap_end\":2}"));
    assertEquals(RejectReason.UNPARSEABLE_TIME,
        rejection("{\"kind\":\"gap\",\"pair\":\"X\",\"gap_start\":\"yesterday\",\"gap_end\":2}"));
    assertEquals(RejectReason.UNKNOWN_KIND, rejection("{\"kind\":\"trade\",\"pair\":\"X\"}"));
    assertEquals(RejectReason.INVALID_JSON, rejection("{\"kind\":\"gap\",\"pair\":"));
  }

  @Test
  public void aTickOnlyReaderRefusesAGapByName() {
    RejectedTickException e = assertThrows(RejectedTickException.class, () -> TickJson.parse(
        TickJson.write(new Gap("X", 1, 2, GapCause.STOPPED))));
    assertEquals(RejectReason.UNKNOWN_KIND, e.reason());
  }
}
