package io.candles.ingest.transport;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.junit.Assert.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

/** Exponential backoff with full jitter and a cap, with an injected jitter: no clock, no sleeping. */
public class BackoffTest {

  @Test
  public void ceilingDoublesUpToTheCap() {
    Backoff b = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), c -> c);
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      delays.add(b.nextDelayMillis());
    }
    assertThat(delays, contains(500L, 1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 30_000L, 30_000L, 30_000L, 30_000L));
    assertThat(b.attempts(), is(10));
  }

  @Test
  public void fullJitterPicksBetweenZeroAndTheCeiling() {
    List<Long> asked = new ArrayList<>();
    Backoff low = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), c -> {
      asked.add(c);
      return 0;
    });
    assertThat(low.nextDelayMillis(), is(0L));
    assertThat(low.nextDelayMillis(), is(0L));
    assertThat(asked, contains(100L, 200L));
    Backoff half = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), c -> c / 2);
    assertThat(half.nextDelayMillis(), is(50L));
    assertThat(half.nextDelayMillis(), is(100L));
    assertThat(half.nextDelayMillis(), is(200L));
  }

  @Test
  public void aMisbehavingJitterIsClampedIntoRange() {
    Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), c -> c * 10);
    assertThat(b.nextDelayMillis(), is(100L));
    Backoff negative = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), c -> -5);
    assertThat(negative.nextDelayMillis(), is(0L));
  }

  @Test
  public void resetStartsAgainFromTheBase() {
    Backoff b = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), c -> c);
    b.nextDelayMillis();
    b.nextDelayMillis();
    b.nextDelayMillis();
    b.reset();
    assertThat(b.attempts(), is(0));
    assertThat(b.nextDelayMillis(), is(500L));
  }

  @Test
  public void manyAttemptsNeverOverflow() {
    Backoff b = new Backoff(Duration.ofMillis(1), Duration.ofHours(1), c -> c);
    long last = 0;
    for (int i = 0; i < 10_000; i++) {
      last = b.nextDelayMillis();
    }
    assertThat(last, is(3_600_000L));
    assertThat(b.ceilingMillis(Integer.MAX_VALUE), is(3_600_000L));
  }

  @Test
  public void randomJitterStaysInRange() {
    Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(800), Backoff.Jitter.random());
    for (int i = 0; i < 1_000; i++) {
      long ceiling = b.ceilingMillis(b.attempts());
      long d = b.nextDelayMillis();
      assertThat(d >= 0 && d <= ceiling, is(true));
    }
  }

  @Test
  public void baseMustBePositiveAndNotAboveTheCap() {
    assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), c -> c));
    assertThrows(IllegalArgumentException.class,
        () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), c -> c));
  }
}
