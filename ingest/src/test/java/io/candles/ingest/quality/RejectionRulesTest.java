package io.candles.ingest.quality;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import io.candles.contract.DeadLetter;
import io.candles.contract.RejectReason;
import io.candles.contract.Tick;
import io.candles.contract.TickRules;
import io.candles.contract.TickJson;
import io.candles.ingest.TestResources;
import io.candles.ingest.exchange.binance.BinanceAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import io.candles.ingest.testing.JsonText;
import io.candles.ingest.kafka.OutRecord;
import io.candles.ingest.metrics.PairMetrics;
import io.candles.ingest.metrics.RejectCounters;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.Before;
import org.junit.Test;

/**
 * Every rejection reason, through the processor that sits between a connection and Kafka: the
 * contract's rules (via the adapter) and the ingester's own (sequence, price jump, unknown pair).
 * The sink is a list: records are checked as the producer would receive them.
 */
public class RejectionRulesTest {
  private static final long NOW = 1_700_000_000_000L;
  private final List<OutRecord> out = new ArrayList<>();
  private final RejectCounters unattributed = new RejectCounters();
  private PairMetrics btc;
  private PairMetrics eth;
  private TickSequencer processor;
  private long session = 1;

  @Before
  public void setUp() {
    processor = processor(PriceJumpRule.of(new BigDecimal("0.1"), false));
  }

  private TickSequencer processor(PriceJumpRule rule) {
    out.clear();
    btc = new PairMetrics("BTCUSDT", "binance-0");
    eth = new PairMetrics("ETHUSDT", "binance-0");
    return new TickSequencer("binance-0", BinanceAdapter.spot(), List.of(btc, eth), rule,
        TickRules.DEFAULT_MAX_CLOCK_SKEW_MILLIS, out::add, unattributed,
        () -> NOW);
  }

  private static String frame(long u, String symbol, String bid, String ask) {
    return "{\"stream\":\"" + symbol.toLowerCase() + "@bookTicker\",\"data\":{\"u\":" + u + ",\"s\":\"" + symbol
        + "\",\"b\":\"" + bid + "\",\"B\":\"1.00000000\",\"a\":\"" + ask + "\",\"A\":\"2.00000000\"}}";
  }

  /** Sends {@code text} and returns the single dead letter it produced. */
  private JsonNode rejected(String text, String reason) {
    int before = out.size();
    processor.onFrame(text, session, false);
    assertThat("one record for " + text, out.size(), is(before + 1));
    OutRecord r = out.get(out.size() - 1);
    assertThat("a dead letter for " + text, r.deadLetter(), is(true));
    JsonNode dl = JsonText.tree(r.value());
    assertThat(dl.path("reason").asText(), is(reason));
    assertThat(dl.path("raw").asText(), is(text));
    assertThat(r.timestampMillis(), is(NOW));
    return dl;
  }

  @Test
  public void validTicksAreProducedWithTheContractsFields() throws Exception {
    processor.onFrame(TestResources.text("binance/spot-combined.json"), 1, false);
    assertThat(out.size(), is(1));
    OutRecord r = out.get(0);
    assertThat(r.deadLetter(), is(false));
    assertThat(r.key(), is("BTCUSDT"));
    assertThat(r.timestampMillis(), is(NOW)); // spot: event time = receive time
    Tick t = TickJson.parse(r.value());
    assertThat(t.pair(), is("BTCUSDT"));
    assertThat(t.bid(), is(6_701_234_000_000L));
    assertThat(t.ask(), is(6_701_235_000_000L));
    assertThat(t.eventTimeMillis(), is(NOW));
    assertThat(t.ingestTimeMillis(), is(NOW));
    assertThat(t.exchange(), is("binance"));
    assertThat(t.updateId(), is(52_345_678_901L));
    // The exchange's strings, unchanged.
    assertThat(r.value(), containsString("\"bid\":\"67012.34000000\",\"ask\":\"67012.35000000\""));
    assertThat(btc.ticks(), is(1L));
  }

  @Test
  public void invalidJson() {
    JsonNode dl = rejected("this is not {json", RejectReason.INVALID_JSON.code());
    assertThat(out.get(0).key(), nullValue());
    assertThat(dl.path("source").asText(), is("binance-0"));
    assertThat(unattributed.snapshot(), is(Map.of("invalid_json", 1L)));
  }

  @Test
  public void everyGarbageLineIsDeadLettered() {
    for (String line : TestResources.lines("binance/garbage.txt")) {
      processor.onFrame(line, 1, false);
    }
    assertThat(out.size(), is(7));
    for (OutRecord r : out) {
      assertThat(r.deadLetter(), is(true));
    }
    assertThat(unattributed.snapshot(), is(Map.of("invalid_json", 6L, "missing_field", 1L)));
  }

  @Test
  public void missingField() {
    rejected("{\"stream\":\"btcusdt@bookTicker\",\"data\":{\"u\":1,\"s\":\"BTCUSDT\",\"b\":\"1.0\",\"B\":\"1\"}}",
        RejectReason.MISSING_FIELD.code());
    assertThat(out.get(0).key(), is("BTCUSDT"));
    assertThat(btc.rejects(), is(Map.of("missing_field", 1L)));
    rejected("{\"u\":1,\"b\":\"1.0\",\"a\":\"1.1\"}", RejectReason.MISSING_FIELD.code());
  }

  @Test
  public void nonNumericPrice() {
    JsonNode dl = rejected(frame(1, "BTCUSDT", "abc", "1.0"), RejectReason.NON_NUMERIC_PRICE.code());
    assertThat(dl.path("detail").asText(), containsString("bid"));
    assertThat(dl.path("source").asText(), is("btcusdt@bookTicker"));
  }

  @Test
  public void nonPositivePrice() {
    rejected(frame(1, "BTCUSDT", "0.00000000", "1.0"), RejectReason.NON_POSITIVE_PRICE.code());
    rejected(frame(2, "BTCUSDT", "-1.5", "1.0"), RejectReason.NON_POSITIVE_PRICE.code());
  }

  @Test
  public void priceOutOfRange() {
    rejected(frame(1, "BTCUSDT", "1.000000001", "2.0"), RejectReason.PRICE_OUT_OF_RANGE.code());
    rejected(frame(2, "BTCUSDT", "1.0", "90000000000.0"), RejectReason.PRICE_OUT_OF_RANGE.code());
  }

  @Test
  public void crossedBook() {
    JsonNode dl = rejected(frame(1, "BTCUSDT", "100.01", "100.00"), RejectReason.CROSSED_BOOK.code());
    assertThat(dl.path("detail").asText(), is("ask 100.00 is below bid 100.01"));
    // Equal bid and ask is a locked book, which the contract accepts.
    processor.onFrame(frame(2, "BTCUSDT", "100.00", "100.00"), 1, false);
    assertThat(out.get(out.size() - 1).deadLetter(), is(false));
  }

  @Test
  public void unparseableTime() {
    BinanceAdapter futures = BinanceAdapter.futures();
    processor = new TickSequencer("f-0", futures, List.of(btc), PriceJumpRule.off(),
        TickRules.DEFAULT_MAX_CLOCK_SKEW_MILLIS, out::add, unattributed, () -> NOW);
    String bad = "{\"e\":\"bookTicker\",\"u\":1,\"s\":\"BTCUSDT\",\"b\":\"1.0\",\"B\":\"1\",\"a\":\"1.1\",\"A\":\"1\","
        + "\"T\":1,\"E\":\"yesterday\"}";
    rejected(bad, RejectReason.UNPARSEABLE_TIME.code());
    rejected(bad.replace("\"yesterday\"", "-5"), RejectReason.UNPARSEABLE_TIME.code());
  }

  @Test
  public void anEventTimeFurtherAheadThanTheAllowedSkewIsRejectedAndDoesNotCountAsAnUpdate() {
    BinanceAdapter futures = BinanceAdapter.futures();
    processor = new TickSequencer("f-0", futures, List.of(btc), PriceJumpRule.off(), 60_000, out::add,
        unattributed, () -> NOW);
    String tick = "{\"e\":\"bookTicker\",\"u\":7,\"s\":\"BTCUSDT\",\"b\":\"1.0\",\"B\":\"1\",\"a\":\"1.1\","
        + "\"A\":\"1\",\"T\":1,\"E\":TIME}";
    JsonNode dl = rejected(tick.replace("TIME", Long.toString(NOW + 365L * 24 * 3600 * 1000)),
        RejectReason.EVENT_TIME_IN_FUTURE.code());
    assertThat(dl.path("detail").asText().contains("ahead of the clock"), is(true));
    // Exactly at the allowed skew it is a tick, and the rejected one's update id 7 was not kept.
    processor.onFrame(tick.replace("TIME", Long.toString(NOW + 60_000)), 1, false);
    assertThat(out.get(out.size() - 1).deadLetter(), is(false));
    assertThat(btc.ticks(), is(1L));
  }

  @Test
  public void invalidUpdateId() {
    rejected(frame(1, "BTCUSDT", "1.0", "1.1").replace("\"u\":1", "\"u\":1.5"),
        RejectReason.INVALID_UPDATE_ID.code());
  }

  @Test
  public void duplicateUpdateId() {
    processor.onFrame(frame(100, "BTCUSDT", "1.0", "1.1"), 1, false);
    JsonNode dl = rejected(frame(100, "BTCUSDT", "1.0", "1.1"), RejectReason.DUPLICATE_UPDATE_ID.code());
    assertThat(dl.path("detail").asText(), is("update_id 100 is not after the last one, 100"));
    assertThat(btc.rejects(), is(Map.of("duplicate_update_id", 1L)));
    assertThat(btc.ticks(), is(1L));
  }

  @Test
  public void backwardsUpdateId() {
    processor.onFrame(frame(100, "BTCUSDT", "1.0", "1.1"), 1, false);
    rejected(frame(99, "BTCUSDT", "1.0", "1.1"), RejectReason.BACKWARDS_UPDATE_ID.code());
    // Sequences are per pair.
    processor.onFrame(frame(5, "ETHUSDT", "1.0", "1.1"), 1, false);
    assertThat(out.get(out.size() - 1).deadLetter(), is(false));
  }

  @Test
  public void repeatsDuringARolloverOverlapAreDroppedAsExpectedNotDeadLettered() {
    processor.onFrame(frame(100, "BTCUSDT", "1.0", "1.1"), 1, false);
    processor.onFrame(frame(101, "BTCUSDT", "1.0", "1.1"), 1, true);
    processor.onFrame(frame(101, "BTCUSDT", "1.0", "1.1"), 2, true); // the new session, same update
    processor.onFrame(frame(100, "BTCUSDT", "1.0", "1.1"), 2, true);
    processor.onFrame(frame(102, "BTCUSDT", "1.0", "1.1"), 2, true); // follows its 101, held: taken
    processor.onFrame(frame(102, "BTCUSDT", "1.0", "1.1"), 1, true);
    processor.onFrame(frame(103, "BTCUSDT", "1.0", "1.1"), 1, true); // the old session still counts
    assertThat(ids(), is(List.of(100L, 101L, 102L, 103L)));
    assertThat(btc.overlapDuplicates(), is(3L));
    assertThat(btc.rejects(), is(Map.of()));
  }

  @Test
  public void aRolloverSessionThatJoinsAheadWaitsForTheOldOneToCatchUp() {
    processor.onFrame(frame(100, "BTCUSDT", "1.0", "1.1"), 1, false);
    // The new session's first update is 104; the old one has not delivered 101..103 yet.
    processor.onFrame(frame(104, "BTCUSDT", "1.0", "1.1"), 2, true);
    processor.onFrame(frame(105, "BTCUSDT", "1.0", "1.1"), 2, true);
    processor.onFrame(frame(101, "BTCUSDT", "1.0", "1.1"), 1, true);
    processor.onFrame(frame(103, "BTCUSDT", "1.0", "1.1"), 1, true);
    processor.onFrame(frame(104, "BTCUSDT", "1.0", "1.1"), 1, true);
    // The new session's 106 follows its 105, which we do not hold yet: the old one delivers both.
    processor.onFrame(frame(106, "BTCUSDT", "1.0", "1.1"), 2, true);
    processor.onFrame(frame(105, "BTCUSDT", "1.0", "1.1"), 1, true);
    processor.onFrame(frame(106, "BTCUSDT", "1.0", "1.1"), 1, true);
    processor.onFrame(frame(107, "BTCUSDT", "1.0", "1.1"), 2, true); // follows 106: taken
    processor.onFrame(frame(107, "BTCUSDT", "1.0", "1.1"), 1, true);
    // After the overlap, the new session alone.
    processor.onFrame(frame(108, "BTCUSDT", "1.0", "1.1"), 2, false);
    assertThat(ids(), is(List.of(100L, 101L, 103L, 104L, 105L, 106L, 107L, 108L)));
    assertThat(btc.rejects(), is(Map.of()));
  }

  @Test
  public void aRolloverSessionThatJoinsBehindRepeatsOnlyOverlapDuplicatesAfterTheOverlapEnds() {
    processor.onFrame(frame(100, "BTCUSDT", "1.0", "1.1"), 1, false);
    processor.onFrame(frame(101, "BTCUSDT", "1.0", "1.1"), 1, true);
    processor.onFrame(frame(102, "BTCUSDT", "1.0", "1.1"), 1, true);
    processor.onFrame(frame(103, "BTCUSDT", "1.0", "1.1"), 1, true);
    processor.onFrame(frame(101, "BTCUSDT", "1.0", "1.1"), 2, true); // the new session lags
    // The old session retires before the new one has caught up with it.
    processor.onFrame(frame(102, "BTCUSDT", "1.0", "1.1"), 2, false);
    processor.onFrame(frame(103, "BTCUSDT", "1.0", "1.1"), 2, false);
    processor.onFrame(frame(104, "BTCUSDT", "1.0", "1.1"), 2, false); // caught up: taken
    assertThat(ids(), is(List.of(100L, 101L, 102L, 103L, 104L)));
    assertThat(btc.overlapDuplicates(), is(3L));
    assertThat(btc.rejects(), is(Map.of()));
    // From here on a repeat is the exchange's again, and a dead letter.
    rejected(frame(104, "BTCUSDT", "1.0", "1.1"), RejectReason.DUPLICATE_UPDATE_ID.code());
  }

  private List<Long> ids() {
    List<Long> ids = new ArrayList<>();
    for (OutRecord r : out) {
      try {
        ids.add(TickJson.parse(r.value()).updateId());
      } catch (Exception e) {
        throw new AssertionError(r.value(), e);
      }
    }
    return ids;
  }

  @Test
  public void aRepeatedOrOlderUpdateAfterAReconnectIsStillRejected() {
    processor.onFrame(frame(100, "BTCUSDT", "1.0", "1.1"), 1, false);
    // A gap: session 2 replaces session 1. Binance's u is per symbol and increases across connections.
    processor.onSessionOpened(2, false);
    session = 2;
    rejected(frame(100, "BTCUSDT", "1.0", "1.1"), RejectReason.DUPLICATE_UPDATE_ID.code());
    rejected(frame(99, "BTCUSDT", "1.0", "1.1"), RejectReason.BACKWARDS_UPDATE_ID.code());
    processor.onFrame(frame(101, "BTCUSDT", "1.0", "1.1"), 2, false);
    assertThat(out.get(3).deadLetter(), is(false));
    // A rollover continuation keeps it too.
    processor.onSessionOpened(3, true);
    rejected(frame(101, "BTCUSDT", "1.0", "1.1"), RejectReason.DUPLICATE_UPDATE_ID.code());
    // A frame of the session replaced after the gap, arriving late, is dropped and counted.
    processor.onFrame(frame(102, "BTCUSDT", "1.0", "1.1"), 1, false);
    assertThat(out.size(), is(5));
    assertThat(processor.lateFrames(), is(1L));
    assertThat(processor.sequenceRestarts(), is(0L));
  }

  @Test
  public void aSequenceThatRestartedAfterAGapIsTakenOnceEvidentNothingLostBefore() {
    processor.onFrame(frame(1_000, "BTCUSDT", "1.0", "1.1"), 1, false);
    processor.onFrame(frame(500, "ETHUSDT", "1.0", "1.1"), 1, false);
    processor.onSessionOpened(2, false);
    int n = TickSequencer.SEQUENCE_RESTART_AFTER;
    for (int i = 0; i < n - 1; i++) {
      processor.onFrame(frame(3 + i, "BTCUSDT", "1.0", "1.1"), 2, false); // restarted from 3
    }
    assertThat(btc.rejects(), is(Map.of("backwards_update_id", (long) n - 1)));
    processor.onFrame(frame(3 + n - 1, "BTCUSDT", "1.0", "1.1"), 2, false); // the evidence is complete
    processor.onFrame(frame(3 + n, "BTCUSDT", "1.0", "1.1"), 2, false);
    List<OutRecord> ticks = new ArrayList<>();
    for (OutRecord r : out) {
      if (!r.deadLetter()) {
        ticks.add(r);
      }
    }
    assertThat(ticks.size(), is(4)); // 1000, 500, and the restarted sequence's last two
    assertThat(processor.sequenceRestarts(), is(1L));
    // From then on the restarted sequence is the reference; ETHUSDT's is untouched.
    session = 2;
    rejected(frame(3 + n, "BTCUSDT", "1.0", "1.1"), RejectReason.DUPLICATE_UPDATE_ID.code());
    rejected(frame(500, "ETHUSDT", "1.0", "1.1"), RejectReason.DUPLICATE_UPDATE_ID.code());
  }

  @Test
  public void staleUpdatesAfterAReconnectAreNotARestartUnlessInOrderAndMany() {
    processor.onFrame(frame(1_000, "BTCUSDT", "1.0", "1.1"), 1, false);
    processor.onSessionOpened(2, false);
    int n = TickSequencer.SEQUENCE_RESTART_AFTER;
    for (int i = 0; i < 3 * n; i++) {
      processor.onFrame(frame(900 + i % (n - 1), "BTCUSDT", "1.0", "1.1"), 2, false); // in order, never n in a row
    }
    assertThat(processor.sequenceRestarts(), is(0L));
    assertThat(btc.rejects().values().stream().mapToLong(Long::longValue).sum(), is(3L * n));
    // Nor can the session that delivered the last update restart it: that is plain going backwards.
    processor.onFrame(frame(1_001, "BTCUSDT", "1.0", "1.1"), 2, false);
    for (int i = 0; i < 2 * n; i++) {
      processor.onFrame(frame(10 + i, "BTCUSDT", "1.0", "1.1"), 2, false);
    }
    assertThat(processor.sequenceRestarts(), is(0L));
    assertThat(btc.lastUpdateId(), is(1_001L));
  }

  @Test
  public void aRolloverJustAfterAGapTakesEachUpdateOnceFromWhicheverSessionHasItFirst() {
    processor.onFrame(frame(100, "BTCUSDT", "1.0", "1.1"), 1, false);
    processor.onSessionOpened(2, false); // a gap; session 2 has not delivered BTCUSDT yet
    processor.onSessionOpened(3, true); // and a rollover begins
    processor.onFrame(frame(110, "BTCUSDT", "1.0", "1.1"), 3, true);
    processor.onFrame(frame(110, "BTCUSDT", "1.0", "1.1"), 2, true);
    processor.onFrame(frame(111, "BTCUSDT", "1.0", "1.1"), 2, true);
    processor.onFrame(frame(111, "BTCUSDT", "1.0", "1.1"), 3, true);
    processor.onFrame(frame(112, "BTCUSDT", "1.0", "1.1"), 3, false);
    assertThat(ids(), is(List.of(100L, 110L, 111L, 112L)));
    assertThat(btc.rejects(), is(Map.of()));
  }

  @Test
  public void priceJumpIsFlaggedAndKeptByDefault() {
    processor.onFrame(frame(1, "BTCUSDT", "100.00", "100.00"), 1, false);
    processor.onFrame(frame(2, "BTCUSDT", "110.00", "110.00"), 1, false); // exactly 10%: not more
    processor.onFrame(frame(3, "BTCUSDT", "121.02", "121.02"), 1, false); // 10.018%: a jump
    assertThat(out.size(), is(3));
    for (OutRecord r : out) {
      assertThat(r.deadLetter(), is(false));
    }
    assertThat(btc.priceJumps(), is(1L));
    assertThat(btc.rejects(), is(Map.of()));
  }

  @Test
  public void priceJumpIsRejectedWhenConfigured() {
    processor = processor(PriceJumpRule.of(new BigDecimal("0.05"), true));
    processor.onFrame(frame(1, "BTCUSDT", "100.00", "100.02"), 1, false);
    JsonNode dl = rejected(frame(2, "BTCUSDT", "94.00", "94.02"), RejectReason.PRICE_JUMP.code());
    assertThat(dl.path("detail").asText(), is("mid 94.01 moved more than 0.05 from 100.01"));
    assertThat(btc.priceJumps(), is(1L));
    assertThat(btc.rejects(), is(Map.of("price_jump", 1L)));
    // The reference follows the market: the next tick near the new level passes.
    processor.onFrame(frame(3, "BTCUSDT", "94.01", "94.03"), 1, false);
    assertThat(out.get(out.size() - 1).deadLetter(), is(false));
  }

  @Test
  public void unexpectedPair() {
    JsonNode dl = rejected(frame(1, "XRPUSDT", "0.5", "0.6"), RejectReason.UNEXPECTED_PAIR.code());
    assertThat(out.get(0).key(), is("XRPUSDT"));
    assertThat(dl.path("detail").asText(), containsString("XRPUSDT"));
    assertThat(unattributed.snapshot(), is(Map.of("unexpected_pair", 1L)));
  }

  @Test
  public void controlAndErrorRepliesProduceNothing() {
    processor.onFrame(TestResources.text("binance/subscribe-response.json"), 1, false);
    processor.onFrame(TestResources.text("binance/error-response.json"), 1, false);
    assertThat(out, empty());
    assertThat(processor.controlMessages(), is(1L));
    assertThat(processor.exchangeErrors(), is(1L));
  }

  @Test
  public void haltedProcessorRefusesFramesAndCountsThem() throws Exception {
    assertThat(processor.halt(100), is(true));
    processor.onFrame(frame(1, "BTCUSDT", "1.0", "1.1"), 1, false);
    assertThat(out, empty());
    assertThat(processor.refusedWhileStopped(), is(1L));
    processor.resume();
    processor.onFrame(frame(1, "BTCUSDT", "1.0", "1.1"), 1, false);
    assertThat(out.size(), is(1));
  }

  @Test
  public void aHugeFrameIsDeadLetteredWithItsRawPayloadCappedAndMarked() {
    String huge = "x".repeat(1_500_000);
    processor.onFrame(huge, 1, false);
    assertThat(out.size(), is(1));
    OutRecord r = out.get(0);
    assertThat(r.deadLetter(), is(true));
    assertThat("fits the producer's 1 MB default", r.value().length() < 70_000, is(true));
    JsonNode dl = JsonText.tree(r.value());
    assertThat(dl.path("reason").asText(), is(RejectReason.INVALID_JSON.code()));
    assertThat(dl.path("raw").asText(), is(huge.substring(0, DeadLetter.MAX_RAW_CHARS)));
    assertThat(dl.path("raw_truncated").asText(), is("true"));
    assertThat(dl.path("raw_length").asText(), is("1500000"));
    assertThat(dl.path("detail").asText(), containsString("raw payload truncated to its first 65536 of 1500000 characters"));
  }

  @Test
  public void aPayloadAtTheCapIsKeptWholeAndACutNeverSplitsASurrogatePair() {
    String atCap = "y".repeat(DeadLetter.MAX_RAW_CHARS);
    assertThat(JsonText.tree(new DeadLetter(null, atCap, RejectReason.INVALID_JSON, "d", "s").toJson()).has("raw_truncated"), is(false));
    String emoji = "\uD83D\uDE00";
    String split = "y".repeat(DeadLetter.MAX_RAW_CHARS - 1) + emoji;
    JsonNode dl = JsonText.tree(new DeadLetter(null, split, RejectReason.INVALID_JSON, "d", "s").toJson());
    assertThat(dl.path("raw").asText(), is("y".repeat(DeadLetter.MAX_RAW_CHARS - 1)));
    assertThat(dl.path("raw_length").asText(), is(Integer.toString(DeadLetter.MAX_RAW_CHARS + 1)));
  }

  @Test
  public void aBinaryFrameIsDeadLetteredInBase64AndCounted() {
    processor.onBinaryFrame(ByteBuffer.wrap(new byte[] {1, 2, 3, (byte) 0xff}), 1);
    assertThat(out.size(), is(1));
    OutRecord r = out.get(0);
    assertThat(r.deadLetter(), is(true));
    assertThat(r.key(), nullValue());
    JsonNode dl = JsonText.tree(r.value());
    assertThat(dl.path("reason").asText(), is("binary_frame"));
    assertThat(dl.path("raw").asText(), is("AQID/w=="));
    assertThat(dl.path("raw_encoding").asText(), is("base64"));
    assertThat(dl.has("raw_truncated"), is(false));
    assertThat(dl.path("detail").asText(), is("a binary WebSocket frame of 4 bytes; binance sends text frames only;"
        + " raw is the base64 of its 4 bytes"));
    assertThat(dl.path("source").asText(), is("binance-0"));
    assertThat(unattributed.snapshot(), is(Map.of("binary_frame", 1L)));
  }

  @Test
  public void aLargeBinaryFrameKeepsTheBase64OfItsFirstBytesMarkedTruncated() {
    byte[] big = new byte[2_000_000];
    big[0] = 7;
    processor.onBinaryFrame(ByteBuffer.wrap(big), 1);
    JsonNode dl = JsonText.tree(out.get(0).value());
    assertThat(dl.path("raw").asText().length(), is(DeadLetter.MAX_RAW_CHARS));
    assertThat(Base64.getDecoder().decode(dl.path("raw").asText()).length, is(DeadLetter.MAX_BINARY_BYTES));
    assertThat(dl.path("raw_truncated").asText(), is("true"));
    assertThat(dl.path("raw_length").asText(), is("2000000"));
    assertThat(dl.path("detail").asText(), containsString("raw is the base64 of its first 49152 of 2000000 bytes"));
  }
}
