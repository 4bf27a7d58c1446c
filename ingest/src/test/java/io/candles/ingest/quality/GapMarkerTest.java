package io.candles.ingest.quality;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import io.candles.contract.Gap;
import io.candles.contract.GapCause;
import java.util.List;
import org.junit.Test;

/** The piece-writing rules of {@link GapMarker}, on a clock the test sets. */
public class GapMarkerTest {
  private static final List<String> PAIRS = List.of("BTCUSDT", "ETHUSDT");
  private static final long T0 = 1_700_000_000_000L;

  private final GapMarker marker = new GapMarker(PAIRS, 1_000);

  private static List<Gap> both(long start, long end, GapCause cause) {
    return List.of(new Gap("BTCUSDT", start, end, cause), new Gap("ETHUSDT", start, end, cause));
  }

  @Test
  public void nothingIsDueWhileNoGapIsOpen() {
    assertThat(marker.isOpen(), is(false));
    assertThat(marker.due(T0), is(empty()));
    assertThat(marker.close(T0), is(empty()));
    assertThat(marker.cause(), nullValue());
  }

  @Test
  public void anOpenGapIsWrittenInContiguousPiecesEveryIntervalThenClosedAtTheFirstFrame() {
    assertThat(marker.open(GapCause.RECONNECT, T0), is(true));
    assertThat(marker.isOpen(), is(true));
    assertThat("not an interval old yet", marker.due(T0 + 999), is(empty()));
    assertThat(marker.due(T0 + 1_000), is(both(T0, T0 + 1_000, GapCause.RECONNECT)));
    assertThat("just written", marker.due(T0 + 1_500), is(empty()));
    assertThat("a late check writes what is due, from where the last piece ended",
        marker.due(T0 + 2_300), is(both(T0 + 1_000, T0 + 2_300, GapCause.RECONNECT)));
    assertThat(marker.close(T0 + 2_750), is(both(T0 + 2_300, T0 + 2_750, GapCause.RECONNECT)));
    assertThat(marker.isOpen(), is(false));
    assertThat(marker.due(T0 + 5_000), is(empty()));
  }

  @Test
  public void aGapDetectedLateGetsItsFirstPieceAtOnce() {
    // Silence is found a silence timeout after the last frame: the gap starts at that frame.
    marker.open(GapCause.SILENCE, T0);
    assertThat(marker.due(T0 + 5_000), is(both(T0, T0 + 5_000, GapCause.SILENCE)));
  }

  @Test
  public void aSecondOpenWhileOpenKeepsTheFirstStartAndCause() {
    marker.open(GapCause.RECONNECT, T0);
    assertThat(marker.open(GapCause.SILENCE, T0 + 500), is(false));
    assertThat(marker.cause(), is(GapCause.RECONNECT));
    assertThat(marker.close(T0 + 800), is(both(T0, T0 + 800, GapCause.RECONNECT)));
  }

  @Test
  public void aStopDuringAGapEndsItAndStartsAStoppedGapWhereItEnded() {
    marker.open(GapCause.RECONNECT, T0);
    marker.due(T0 + 1_000);
    assertThat(marker.switchTo(GapCause.STOPPED, T0 + 1_400), is(both(T0 + 1_000, T0 + 1_400, GapCause.RECONNECT)));
    assertThat(marker.cause(), is(GapCause.STOPPED));
    assertThat(marker.due(T0 + 2_400), is(both(T0 + 1_400, T0 + 2_400, GapCause.STOPPED)));
  }

  @Test
  public void aStopWithoutAGapOpensAStoppedGapAtTheStop() {
    assertThat(marker.switchTo(GapCause.STOPPED, T0), is(empty()));
    assertThat(marker.close(T0 + 300), is(both(T0, T0 + 300, GapCause.STOPPED)));
  }

  @Test
  public void aStopTimedBeforeTheLastPieceEndedStartsWhereThatPieceEnded() {
    marker.open(GapCause.RECONNECT, T0);
    marker.due(T0 + 1_000);
    assertThat(marker.switchTo(GapCause.STOPPED, T0 + 990), is(empty()));
    assertThat("contiguous, not overlapping", marker.close(T0 + 1_200),
        is(both(T0 + 1_000, T0 + 1_200, GapCause.STOPPED)));
  }

  @Test
  public void aClockThatWentBackWritesNothingUntilItHasPassedTheLastPiece() {
    marker.open(GapCause.RECONNECT, T0);
    marker.due(T0 + 1_000);
    assertThat(marker.due(T0 + 200), is(empty()));
    assertThat("no zero-length or backwards piece", marker.close(T0 + 1_000), is(empty()));
    assertThat(marker.isOpen(), is(false));
  }

  @Test(expected = IllegalArgumentException.class)
  public void theIntervalMustBePositive() {
    new GapMarker(PAIRS, 0);
  }

  @Test
  public void aStretchOfUpToAMinuteIsOnePieceEvenAcrossAMinuteBoundary() {
    marker.open(GapCause.RESTART, T0);
    assertThat(marker.due(T0 + 60_000), is(both(T0, T0 + 60_000, GapCause.RESTART)));
  }

  @Test
  public void aLongerStretchIsCutAtEveryMinuteBoundarySoTheRecentMinutesAreNotLateWithItsStart() {
    marker.open(GapCause.RESTART, T0);
    long now = T0 + 210_000;
    long m1 = T0 - T0 % 60_000 + 60_000;
    List<Gap> expected = new java.util.ArrayList<>();
    expected.addAll(both(T0, m1, GapCause.RESTART));
    expected.addAll(both(m1, m1 + 60_000, GapCause.RESTART));
    expected.addAll(both(m1 + 60_000, m1 + 120_000, GapCause.RESTART));
    expected.addAll(both(m1 + 120_000, now, GapCause.RESTART));
    assertThat(marker.due(now), is(expected));
    assertThat("then one piece per interval again", marker.due(now + 1_000), is(both(now, now + 1_000,
        GapCause.RESTART)));
  }

  @Test
  public void onlyTheLastHourIsCutPerMinuteAndWhatIsOlderIsOnePiece() {
    marker.open(GapCause.RESTART, T0);
    long now = T0 + 3 * 3_600_000L + 12_345;
    List<Gap> pieces = marker.due(now).stream().filter(g -> g.pair().equals("BTCUSDT")).toList();
    assertThat(pieces.get(0).startMillis(), is(T0));
    long firstCut = pieces.get(0).endMillis();
    assertThat("the old part ends at the first minute boundary of the last hour",
        firstCut, is(now - 3_600_000L - (now - 3_600_000L) % 60_000 + 60_000));
    assertThat("then one piece per minute up to now", pieces.size(), is(1 + 60));
    for (int i = 1; i < pieces.size(); i++) {
      assertThat("contiguous", pieces.get(i).startMillis(), is(pieces.get(i - 1).endMillis()));
      assertThat("starts on a minute", pieces.get(i).startMillis() % 60_000, is(0L));
    }
    assertThat(pieces.get(pieces.size() - 1).endMillis(), is(now));
  }
}
