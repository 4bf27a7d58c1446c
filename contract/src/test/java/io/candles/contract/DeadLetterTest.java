package io.candles.contract;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.util.HashSet;
import java.util.Set;
import org.junit.Test;

/** The dead-letter envelope for the contract's reasons and for the ingester's own. */
public class DeadLetterTest {

  @Test
  public void theEnvelopeCarriesTheFieldsEscaped() {
    DeadLetter d = new DeadLetter("BTCUSDT", "{\"a\":\"x\\\"y\"}", RejectReason.CROSSED_BOOK,
        "ask 1 is below bid 2", "ticks/0@7");
    assertThat(d.toJson(), is("{\"reason\":\"crossed_book\",\"detail\":\"ask 1 is below bid 2\","
        + "\"source\":\"ticks/0@7\",\"raw\":\"{\\\"a\\\":\\\"x\\\\\\\"y\\\"}\"}"));
  }

  @Test
  public void ingesterReasonsUseTheSameEnvelope() {
    assertThat(new DeadLetter("BTCUSDT", null, RejectReason.DUPLICATE_UPDATE_ID, "update_id 5 is not after 5",
            "btcusdt@bookTicker").toJson(),
        is("{\"reason\":\"duplicate_update_id\",\"detail\":\"update_id 5 is not after 5\","
            + "\"source\":\"btcusdt@bookTicker\",\"raw\":null}"));
  }

  @Test
  public void ingesterReasonCodesAreStableAndAllCodesDistinct() {
    assertThat(RejectReason.BINARY_FRAME.code(), is("binary_frame"));
    assertThat(RejectReason.DUPLICATE_UPDATE_ID.code(), is("duplicate_update_id"));
    assertThat(RejectReason.BACKWARDS_UPDATE_ID.code(), is("backwards_update_id"));
    assertThat(RejectReason.INVALID_UPDATE_ID.code(), is("invalid_update_id"));
    assertThat(RejectReason.PRICE_JUMP.code(), is("price_jump"));
    assertThat(RejectReason.UNEXPECTED_PAIR.code(), is("unexpected_pair"));
    Set<String> codes = new HashSet<>();
    for (RejectReason r : RejectReason.values()) {
      assertThat(r.code(), codes.add(r.code()), is(true));
    }
  }

  @Test
  public void everyReasonTheContractListsIsOne() {
    // The contract's list (../shared/contract.md, section 1), with the text it gives.
    for (String code : new String[] {"invalid_json", "missing_field", "non_numeric_price", "non_positive_price",
        "crossed_book", "unparseable_time", "event_time_in_future", "binary_frame", "duplicate_update_id", "late"}) {
      boolean found = false;
      for (RejectReason r : RejectReason.values()) {
        found |= r.code().equals(code);
      }
      assertThat(code, found, is(true));
    }
  }
}
