package io.candles.simulator;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

import java.util.List;
import java.util.Map;
import org.junit.Test;

/** The rate model over hours of simulated time (no clock involved, so it takes milliseconds). */
public class BurstyArrivalsTest {
  private static final long SECOND = 1_000_000_000L;
  private static final int HOURS = 2;

  /** Ticks per simulated second, for {@code HOURS}. */
  private static int[] perSecond(Arrivals a) {
    int[] counts = new int[HOURS * 3600];
    for (long t = a.next(); t < counts.length * SECOND; t = a.next()) {
      counts[(int) (t / SECOND)]++;
    }
    return counts;
  }

  private static double mean(int[] counts) {
    long sum = 0;
    for (int c : counts) {
      sum += c;
    }
    return (double) sum / counts.length;
  }

  private static int max(int[] counts) {
    int m = 0;
    for (int c : counts) {
      m = Math.max(m, c);
    }
    return m;
  }

  @Test
  public void meanIsTheTargetAndBurstsReachSeveralTimesIt() {
    for (double perMinute : new double[] {1_200, 25_000}) {
      int[] counts = perSecond(new BurstyArrivals(perMinute, 42));
      double target = perMinute / 60;
      assertThat("mean at " + perMinute + "/min", mean(counts), closeTo(target, target * 0.1));
      assertThat("peak second at " + perMinute + "/min", (double) max(counts), greaterThanOrEqualTo(3 * target));
    }
  }

  @Test
  public void quietAndBusySecondsBothOccur() {
    int[] counts = perSecond(new BurstyArrivals(1_200, 7));
    int quiet = 0;
    int busy = 0;
    for (int c : counts) {
      quiet += c < 20 ? 1 : 0;
      busy += c > 40 ? 1 : 0;
    }
    // Mostly calm (below the mean), with bursts a few percent of the time.
    assertThat(quiet, greaterThan(counts.length / 2));
    assertThat(busy, greaterThan(counts.length / 50));
    assertThat(busy, lessThan(counts.length / 4));
  }

  @Test
  public void pairsDifferBtcBusiestAndAverageTheRate() {
    Map<String, Double> w = PairWeights.of(List.of("BTCUSDT", "ETHUSDT", "SOLUSDT"));
    assertThat(w.get("BTCUSDT"), greaterThan(w.get("ETHUSDT")));
    assertThat(w.get("ETHUSDT"), greaterThan(w.get("SOLUSDT")));
    assertThat((w.get("BTCUSDT") + w.get("ETHUSDT") + w.get("SOLUSDT")) / 3, closeTo(1, 1e-9));
    assertThat(PairWeights.of(List.of("DOGEUSDT")).get("DOGEUSDT"), closeTo(1, 1e-9));

    double btc = mean(perSecond(new BurstyArrivals(1_200 * w.get("BTCUSDT"), 1)));
    double sol = mean(perSecond(new BurstyArrivals(1_200 * w.get("SOLUSDT"), 2)));
    assertThat(btc, greaterThan(2 * sol));
  }

  @Test
  public void sameSeedSameArrivalsOtherSeedOthers() {
    Arrivals a = new BurstyArrivals(6_000, 3);
    Arrivals b = new BurstyArrivals(6_000, 3);
    Arrivals c = new BurstyArrivals(6_000, 4);
    boolean differ = false;
    long last = -1;
    for (int i = 0; i < 10_000; i++) {
      long t = a.next();
      assertThat(b.next(), is(t));
      differ |= c.next() != t;
      assertThat(t, greaterThanOrEqualTo(last));
      last = t;
    }
    assertThat(differ, is(true));
  }

  @Test
  public void steadyIsExactlyTheRate() {
    Arrivals a = Arrivals.steady(25_000);
    long t = 0;
    for (int i = 0; i <= 25_000; i++) {
      t = a.next();
    }
    assertThat(t, is(60 * SECOND));
  }
}
