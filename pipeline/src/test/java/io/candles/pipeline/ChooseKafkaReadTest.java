package io.candles.pipeline;

import static org.junit.Assert.assertEquals;

import java.util.List;
import org.apache.beam.sdk.options.ExperimentalOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.Test;

/** Which Kafka read each runner gets: see {@link CandlePipeline#chooseKafkaRead}. */
public class ChooseKafkaReadTest {

  private static List<String> experimentsAfterChoosing(String... args) {
    PipelineOptions o = PipelineOptionsFactory.fromArgs(args).create();
    CandlePipeline.chooseKafkaRead(o);
    List<String> e = o.as(ExperimentalOptions.class).getExperiments();
    return e == null ? List.of() : e;
  }

  @Test
  public void theDirectRunnerReadsThroughTheSdfWrapper() {
    assertEquals(List.of("use_unbounded_sdf_wrapper"), experimentsAfterChoosing("--runner=DirectRunner"));
  }

  @Test
  public void aReadTheUserChoseIsKept() {
    assertEquals(List.of("use_sdf_read"),
        experimentsAfterChoosing("--runner=DirectRunner", "--experiments=use_sdf_read"));
    assertEquals(List.of("use_deprecated_read"),
        experimentsAfterChoosing("--runner=DirectRunner", "--experiments=use_deprecated_read"));
  }

  @Test
  public void otherRunnersAreLeftAlone() {
    PipelineOptions o = PipelineOptionsFactory.create();
    o.setRunner(org.apache.beam.sdk.testing.CrashingRunner.class);
    CandlePipeline.chooseKafkaRead(o);
    assertEquals(null, o.as(ExperimentalOptions.class).getExperiments());
  }
}
