package io.candles.contract;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import org.junit.Test;

/** The dead-letter envelope for the contract's reasons and for the ingester's own. */
public class DeadLetterTest {

  @Test
  public void theStaticEnvelopeIsTheSameAsTheRecords() {
    DeadLetter d = new DeadLetter("BTCUSDT", "{\"a\":\"x\\\"y\"}", RejectReason.CROSSED_BOOK,
        "ask 1 is below bid 2", "ticks/0@7");
    assertThat(DeadLetter.toJson("crossed_book", "ask 1 is below bid 2", "ticks/0@7", "{\"a\":\"x\\\"y\"}"),
        is(d.toJson()));
  }

  @Test
  public void ingesterReasonsUseTheSameEnvelope() {
    assertThat(DeadLetter.toJson(IngestRejectReason.DUPLICATE_UPDATE_ID.code(), "update_id 5 is not after 5",
            "btcusdt@bookTicker", null),
        is("{\"reason\":\"duplicate_update_id\",\"detail\":\"update_id 5 is not after 5\","
            + "\"source\":\"btcusdt@bookTicker\",\"raw\":null}"));
  }

  @Test
  public void ingesterReasonCodesAreStableAndDistinctFromTheContracts() {
    assertThat(IngestRejectReason.BACKWARDS_UPDATE_ID.code(), is("backwards_update_id"));
    assertThat(IngestRejectReason.INVALID_UPDATE_ID.code(), is("invalid_update_id"));
    assertThat(IngestRejectReason.PRICE_JUMP.code(), is("price_jump"));
    assertThat(IngestRejectReason.UNEXPECTED_PAIR.code(), is("unexpected_pair"));
    for (IngestRejectReason i : IngestRejectReason.values()) {
      for (RejectReason r : RejectReason.values()) {
        assertThat(i.code().equals(r.code()), is(false));
      }
    }
  }
}
