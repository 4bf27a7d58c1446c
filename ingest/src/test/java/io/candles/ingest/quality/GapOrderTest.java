package io.candles.ingest.quality;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import io.candles.contract.Gap;
import io.candles.contract.GapCause;
import io.candles.contract.TickJson;
import io.candles.contract.TickRules;
import io.candles.ingest.exchange.binance.BinanceAdapter;
import io.candles.ingest.kafka.OutRecord;
import io.candles.ingest.metrics.PairMetrics;
import io.candles.ingest.metrics.RejectCounters;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

/**
 * Gap records through the {@link TickSequencer}, on a clock the test sets, into a list sink: where
 * they start, how they are stamped, and that the last piece goes before the first tick after the gap.
 */
public class GapOrderTest {
  private static final long T0 = 1_700_000_000_000L;
  private final List<OutRecord> out = new ArrayList<>();
  private final PairMetrics btc = new PairMetrics("BTCUSDT", "binance-0");
  private final PairMetrics eth = new PairMetrics("ETHUSDT", "binance-0");
  private long now = T0;
  private final TickSequencer sequencer = new TickSequencer("binance-0", BinanceAdapter.spot(), List.of(btc, eth),
      PriceJumpRule.of(new java.math.BigDecimal("0.1"), false), TickRules.DEFAULT_MAX_CLOCK_SKEW_MILLIS, out::add,
      new RejectCounters(), () -> now);

  private static String frame(long u, String symbol) {
    return "{\"stream\":\"" + symbol.toLowerCase() + "@bookTicker\",\"data\":{\"u\":" + u + ",\"s\":\"" + symbol
        + "\",\"b\":\"100.00\",\"B\":\"1.00000000\",\"a\":\"100.01\",\"A\":\"2.00000000\"}}";
  }

  private static Gap gap(OutRecord r) throws Exception {
    byte[] b = r.value().getBytes(StandardCharsets.UTF_8);
    return (Gap) TickJson.parseRecord(b, 0, b.length);
  }

  @Test
  public void aLostSessionIsMarkedFromTheLastFrameInPiecesAndClosedBeforeTheNextTick() throws Exception {
    sequencer.onFrame(frame(1, "BTCUSDT"), 1, false);
    now = T0 + 40;
    sequencer.onFrame(frame(2, "ETHUSDT"), 1, false);
    now = T0 + 60;
    sequencer.onGapOpened(GapCause.RECONNECT);
    sequencer.writeDueGapPieces();
    assertThat("nothing due before an interval has passed", out.size(), is(2));
    now = T0 + 40 + 1_000;
    sequencer.writeDueGapPieces();
    now = T0 + 1_700;
    sequencer.onSessionOpened(2, false);
    sequencer.onFrame(frame(3, "BTCUSDT"), 2, false);
    sequencer.writeDueGapPieces();
    List<OutRecord.Kind> kinds = new ArrayList<>();
    out.forEach(r -> kinds.add(r.kind()));
    assertThat(kinds, is(List.of(OutRecord.Kind.TICK, OutRecord.Kind.TICK, OutRecord.Kind.GAP, OutRecord.Kind.GAP,
        OutRecord.Kind.GAP, OutRecord.Kind.GAP, OutRecord.Kind.TICK)));
    // From the last frame of the connection (ETHUSDT's), for every pair, contiguous, to the next frame.
    assertThat(gap(out.get(2)), is(new Gap("BTCUSDT", T0 + 40, T0 + 1_040, GapCause.RECONNECT)));
    assertThat(gap(out.get(3)), is(new Gap("ETHUSDT", T0 + 40, T0 + 1_040, GapCause.RECONNECT)));
    assertThat(gap(out.get(4)), is(new Gap("BTCUSDT", T0 + 1_040, T0 + 1_700, GapCause.RECONNECT)));
    assertThat(gap(out.get(5)), is(new Gap("ETHUSDT", T0 + 1_040, T0 + 1_700, GapCause.RECONNECT)));
    assertThat("keyed by pair", out.get(4).key(), is("BTCUSDT"));
    assertThat("stamped with its start", out.get(4).timestampMillis(), is(T0 + 1_040));
    assertThat(out.get(4).deadLetter(), is(false));
    assertThat(btc.gapRecords(), is(2L));
    assertThat(btc.gapRecordMillis(), is(1_660L));
  }

  @Test
  public void aStopOpensAStoppedGapThatTheFirstFrameAfterTheStartCloses() throws Exception {
    sequencer.onFrame(frame(1, "BTCUSDT"), 1, false);
    now = T0 + 500;
    sequencer.halt(1_000);
    assertThat(sequencer.gapStopped(T0 + 300, 1_000), is(true));
    now = T0 + 900;
    sequencer.onFrame(frame(2, "BTCUSDT"), 1, false);
    assertThat("refused while stopped, and no gap closed by it", out.size(), is(1));
    now = T0 + 1_300;
    sequencer.writeDueGapPieces();
    sequencer.resume();
    sequencer.onSessionOpened(2, false);
    now = T0 + 1_450;
    sequencer.onFrame(frame(3, "BTCUSDT"), 2, false);
    assertThat(out.size(), is(6));
    assertThat(gap(out.get(1)), is(new Gap("BTCUSDT", T0 + 300, T0 + 1_300, GapCause.STOPPED)));
    assertThat(gap(out.get(4)), is(new Gap("ETHUSDT", T0 + 1_300, T0 + 1_450, GapCause.STOPPED)));
    assertThat(out.get(5).kind(), is(OutRecord.Kind.TICK));
  }

  @Test
  public void eachTickCarriesThePreviousSpreadOfItsPairButNoneAcrossAGap() throws Exception {
    sequencer.onFrame(frame(1, "BTCUSDT"), 1, false);
    now = T0 + 25;
    sequencer.onFrame(frame(2, "ETHUSDT"), 1, false);
    now = T0 + 70;
    sequencer.onFrame(frame(3, "BTCUSDT"), 1, false);
    now = T0 + 90;
    sequencer.onGapOpened(GapCause.RECONNECT);
    now = T0 + 400;
    sequencer.onSessionOpened(2, false);
    sequencer.onFrame(frame(4, "BTCUSDT"), 2, false);
    now = T0 + 450;
    sequencer.onFrame(frame(5, "BTCUSDT"), 2, false);
    List<io.candles.contract.Tick> ticks = new ArrayList<>();
    for (OutRecord r : out) {
      if (r.kind() == OutRecord.Kind.TICK) {
        ticks.add(TickJson.parse(r.value()));
      }
    }
    assertThat(ticks.size(), is(5));
    assertThat("a pair's first tick has nothing before it", ticks.get(0).hasPrevious(), is(false));
    assertThat("nor has another pair's first", ticks.get(1).hasPrevious(), is(false));
    // 100.01 - 100.00, held from the pair's previous tick (received, so stamped, at T0).
    assertThat(ticks.get(2).prevSpread(), is(1_000_000L));
    assertThat(ticks.get(2).prevEventTimeMillis(), is(T0));
    assertThat("what held during the gap is unknown", ticks.get(3).hasPrevious(), is(false));
    assertThat(ticks.get(4).prevEventTimeMillis(), is(T0 + 400));
    assertThat(ticks.get(4).prevSpread(), is(1_000_000L));
  }
}
