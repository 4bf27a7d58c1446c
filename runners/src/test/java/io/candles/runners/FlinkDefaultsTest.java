package io.candles.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.candles.pipeline.CandleOptions;
import io.candles.pipeline.CandleSettings;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.Test;

public class FlinkDefaultsTest {

  private static FlinkPipelineOptions parse(String... args) {
    return PipelineOptionsFactory.fromArgs(args).as(FlinkPipelineOptions.class);
  }

  @Test
  public void latencySettingsReplaceTheRunnersDefaults() {
    FlinkPipelineOptions o = parse("--runner=FlinkRunner", "--streaming=true");
    assertEquals(Long.valueOf(1000), o.getMaxBundleTimeMills()); // Beam's streaming default: too slow
    FlinkDefaults.apply(o, Set.of("runner", "streaming"), OptionalInt.of(3), 10);
    assertEquals(Long.valueOf(FlinkDefaults.MAX_BUNDLE_TIME_MILLIS), o.getMaxBundleTimeMills());
    assertEquals(Long.valueOf(FlinkDefaults.MAX_BUNDLE_SIZE), o.getMaxBundleSize());
    assertEquals(Long.valueOf(FlinkDefaults.CHECKPOINTING_INTERVAL_MILLIS), o.getCheckpointingInterval());
    assertEquals("EXACTLY_ONCE", o.getCheckpointingMode());
    assertEquals(Long.valueOf(FlinkDefaults.AUTO_WATERMARK_INTERVAL_MILLIS), o.getAutoWatermarkInterval());
    assertTrue(o.getObjectReuse());
    assertFalse("faster copy breaks exactly-once with a mutable accumulator", o.getFasterCopy());
    assertEquals("sources split per partition, state rescalable", Integer.valueOf(128), o.getMaxParallelism());
    assertTrue(FlinkDefaults.warnings(o).isEmpty());
  }

  @Test
  public void earlyFiringsComePerBundleUnlessTheUserChoosesADelay() {
    String[] none = {"--runner=FlinkRunner"};
    CandleOptions o = PipelineOptionsFactory.fromArgs(none).as(CandleOptions.class);
    assertEquals("the pipeline's own default, for the DirectRunner", "100ms", o.getEarlyFiringDelay());
    assertEquals(List.of("--earlyFiringDelay=0ms"),
        FlinkDefaults.applyToPipeline(o, CandlesLauncher.givenOptionNames(none)));
    assertEquals(FlinkDefaults.EARLY_FIRING_DELAY, o.getEarlyFiringDelay());
    assertEquals(0, CandleSettings.of(o).windowing().earlyFiringDelay().getMillis());
    assertEquals("partials passed on at bundle ends only: a quiet stream's bundles end soonest",
        0, CandleSettings.of(o).windowing().partialInterval().getMillis());

    String[] chosen = {"--runner=FlinkRunner", "--earlyFiringDelay=250ms"};
    CandleOptions kept = PipelineOptionsFactory.fromArgs(chosen).as(CandleOptions.class);
    assertEquals(List.of(), FlinkDefaults.applyToPipeline(kept, CandlesLauncher.givenOptionNames(chosen)));
    assertEquals("250ms", kept.getEarlyFiringDelay());
  }

  @Test
  public void whatTheUserSetIsKept() {
    String[] args = {"--runner=FlinkRunner", "--maxBundleTimeMills=200", "--checkpointingInterval=60000",
        "--parallelism=5", "--objectReuse=false"};
    FlinkPipelineOptions o = parse(args);
    List<String> applied = FlinkDefaults.apply(o, CandlesLauncher.givenOptionNames(args), OptionalInt.of(3), 10);
    assertEquals(Long.valueOf(200), o.getMaxBundleTimeMills());
    assertEquals(Long.valueOf(60000), o.getCheckpointingInterval());
    assertEquals(Integer.valueOf(5), o.getParallelism());
    assertFalse(o.getObjectReuse());
    assertThat(applied, not(hasItem(containsString("maxBundleTimeMills"))));
    assertThat(applied, not(hasItem(containsString("parallelism"))));
    assertThat(applied, hasItem("--maxBundleSize=" + FlinkDefaults.MAX_BUNDLE_SIZE));
  }

  @Test
  public void locallyParallelismIsBoundedByPartitionsAndCores() {
    FlinkPipelineOptions o = parse("--runner=FlinkRunner", "--flinkMaster=[local]");
    FlinkDefaults.apply(o, Set.of(), OptionalInt.of(1), 10);
    assertEquals(Integer.valueOf(1), o.getParallelism());
    FlinkPipelineOptions many = parse("--runner=FlinkRunner", "--flinkMaster=[local]");
    FlinkDefaults.apply(many, Set.of(), OptionalInt.of(1000), 10);
    assertEquals(Integer.valueOf(Runtime.getRuntime().availableProcessors()), many.getParallelism());
    // A local run keeps checkpoints in memory, and stays attached.
    assertFalse(many.isExternalizedCheckpointsEnabled());
    assertTrue(many.getAttachedMode());
  }

  @Test
  public void onAClusterTheJobIsDetachedAndKeepsItsCheckpoints() throws IOException {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    FlinkPipelineOptions o = parse("--runner=FlinkRunner", "--flinkMaster=127.0.0.1:" + closed);
    List<String> applied = FlinkDefaults.apply(o, Set.of(), OptionalInt.of(4), 10);
    assertFalse(o.getAttachedMode());
    assertTrue(o.isExternalizedCheckpointsEnabled());
    assertTrue(o.getRetainExternalizedCheckpointsOnCancellation());
    // No cluster answers on that port: one reader per partition.
    assertEquals(Integer.valueOf(4), o.getParallelism());
    assertThat(applied, hasItem("--attachedMode=false"));
  }

  @Test
  public void settingsThatBreakExactlyOnceAreNamed() {
    FlinkPipelineOptions o = parse("--runner=FlinkRunner", "--fasterCopy=true", "--checkpointingInterval=5000",
        "--checkpointingMode=AT_LEAST_ONCE");
    List<String> warnings = FlinkDefaults.warnings(o);
    assertThat(warnings, contains(containsString("--fasterCopy=true"), containsString("AT_LEAST_ONCE")));
  }

  @Test
  public void theFlinkRunnerIsRecognisedByEitherName() {
    assertTrue(CandlesLauncher.isFlink(new String[] {"--runner=FlinkRunner"}));
    assertTrue(CandlesLauncher.isFlink(new String[] {"--runner=org.apache.beam.runners.flink.FlinkRunner"}));
    assertFalse(CandlesLauncher.isFlink(new String[] {"--runner=DirectRunner"}));
    assertEquals(Set.of("a", "b"), CandlesLauncher.givenOptionNames(new String[] {"--a=1", "--b", "x"}));
  }

  @Test
  public void aMiniClusterFlushesNetworkBuffersAfter10Milliseconds() {
    FlinkPipelineOptions o = parse("--runner=FlinkRunner", "--flinkMaster=[local]");
    FlinkDefaults.apply(o, Set.of("runner", "flinkMaster"), OptionalInt.of(4), 10);
    org.apache.flink.configuration.Configuration conf =
        org.apache.flink.configuration.GlobalConfiguration.loadConfiguration(o.getFlinkConfDir());
    assertEquals(java.time.Duration.ofMillis(10),
        conf.get(org.apache.flink.configuration.ExecutionOptions.BUFFER_TIMEOUT));
  }

  @Test
  public void theBufferTimeoutIsTheOneGiven() {
    FlinkPipelineOptions o = parse("--runner=FlinkRunner", "--flinkMaster=[local]");
    FlinkDefaults.apply(o, Set.of("runner", "flinkMaster"), OptionalInt.of(4), 2);
    org.apache.flink.configuration.Configuration conf =
        org.apache.flink.configuration.GlobalConfiguration.loadConfiguration(o.getFlinkConfDir());
    assertEquals(java.time.Duration.ofMillis(2),
        conf.get(org.apache.flink.configuration.ExecutionOptions.BUFFER_TIMEOUT));
  }

  @Test
  public void everyLaunchSharesOneConfigurationDirectory() {
    // A killed launcher cannot delete what it wrote: launches must not pile up directories.
    assertEquals(FlinkDefaults.localConfDir(10), FlinkDefaults.localConfDir(10));
    assertFalse(FlinkDefaults.localConfDir(10).equals(FlinkDefaults.localConfDir(2)));
  }

  @Test
  public void aConfigurationDirectoryTheUserGaveIsKept() {
    String[] args = {"--runner=FlinkRunner", "--flinkMaster=[local]", "--flinkConfDir=/etc/flink"};
    FlinkPipelineOptions o = parse(args);
    FlinkDefaults.apply(o, CandlesLauncher.givenOptionNames(args), OptionalInt.of(4), 10);
    assertEquals("/etc/flink", o.getFlinkConfDir());
  }
}
