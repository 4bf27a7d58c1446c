package io.candles.runners;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.Test;

public class DirectDefaultsTest {

  @Test
  public void immutabilityEnforcementIsOffUnlessAskedFor() {
    String[] args = {"--runner=DirectRunner"};
    DirectOptions o = PipelineOptionsFactory.fromArgs(args).as(DirectOptions.class);
    assertTrue(o.isEnforceImmutability()); // the runner's default, made for tests
    assertEquals(List.of("--enforceImmutability=false"),
        DirectDefaults.apply(o, CandlesLauncher.givenOptionNames(args)));
    assertFalse(o.isEnforceImmutability());
  }

  @Test
  public void whatTheUserSetIsKept() {
    String[] args = {"--runner=DirectRunner", "--enforceImmutability=true"};
    DirectOptions o = PipelineOptionsFactory.fromArgs(args).as(DirectOptions.class);
    assertEquals(List.of(), DirectDefaults.apply(o, CandlesLauncher.givenOptionNames(args)));
    assertTrue(o.isEnforceImmutability());
  }
}
