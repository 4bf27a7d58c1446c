package io.candles.local;

import static io.candles.local.LocalRun.PG;
import static io.candles.local.LocalRun.PIDS;
import static io.candles.local.LocalRun.assertNothingLeft;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;

import java.nio.file.Path;
import org.junit.Test;

/** {@code --runner flink}: the same system with the pipeline on a local Flink mini-cluster. */
public class RunLocalFlinkIT {

  @Test
  public void flinkRunnerShowsCandlesForEveryPair() throws Exception {
    Path dataDir = LocalRun.newDataDir("run-local-flink-");
    LocalRun run = LocalRun.start("--data-dir", dataDir.toString(), "--runner", "flink", "--duration", "60s");
    String pgPort = run.await(PG, 300_000);
    String pids = run.await(PIDS, 10_000);
    assertThat(run.output(), containsString("Pipeline:       Flink mini-cluster"));
    LocalCandles.awaitCandlesForEveryPair(LocalCandles.database(pgPort), 30_000);
    assertEquals("exit code; output:\n" + run.output(), 0, run.awaitExit(180));
    assertNothingLeft(pids, dataDir);
  }
}
