package io.candles.local;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.Assert.assertThrows;

import java.util.List;
import org.junit.Test;

public class LocalOptionsTest {

  @Test
  public void defaults() {
    LocalOptions o = LocalOptions.parse();
    assertThat(o.pairs(), is(List.of("BTCUSDT", "ETHUSDT", "SOLUSDT")));
    assertThat(o.rate(), is(1200));
    assertThat(o.runner(), is("direct"));
    assertThat(o.source(), is("simulator"));
    assertThat(o.durationMillis(), is(0L));
    assertThat(o.httpPort(), is(0));
    assertThat(o.dataDir().endsWith(".local-data"), is(true));
  }

  @Test
  public void bothFormsAndNormalizedPairs() {
    LocalOptions o = LocalOptions.parse("--pairs", "btcusdt, ethusdt,btcusdt", "--duration=90s", "--http-port",
        "8091", "--runner=flink", "--rate", "600");
    assertThat(o.pairs(), is(List.of("BTCUSDT", "ETHUSDT")));
    assertThat(o.durationMillis(), is(90_000L));
    assertThat(o.httpPort(), is(8091));
    assertThat(o.runner(), is("flink"));
    assertThat(o.rate(), is(600));
  }

  /** Each mistake is one line saying what is wrong, found before anything starts. */
  @Test
  public void mistakesAreOneLine() {
    for (String[] args : List.of(new String[] {"--http-port", "70000"}, new String[] {"--http-port", "x"},
        new String[] {"--rate", "0"}, new String[] {"--duration", "soon"}, new String[] {"--runner", "spark"},
        new String[] {"--source", "kraken"}, new String[] {"--pairs", ","}, new String[] {"--pairs", "BTC-USDT"},
        new String[] {"--colour", "red"}, new String[] {"stray"}, new String[] {"--duration"})) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LocalOptions.parse(args));
      assertThat(String.join(" ", args), e.getMessage().lines().count(), is(1L));
    }
    assertThat(assertThrows(IllegalArgumentException.class, () -> LocalOptions.parse("--http-port", "0"))
        .getMessage(), containsString("--http-port must be a whole number from 1 to 65535, got 0"));
  }

  @Test
  public void help() {
    assertThat(LocalOptions.wantsHelp(new String[] {"--rate", "5", "--help"}), is(true));
    assertThat(LocalOptions.wantsHelp(new String[] {"--rate", "5"}), is(false));
  }
}
