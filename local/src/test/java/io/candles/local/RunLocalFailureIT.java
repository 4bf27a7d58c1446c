package io.candles.local;

import static io.candles.local.LocalRun.PIDS;
import static io.candles.local.LocalRun.assertNothingLeft;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/**
 * A broker that dies while the system runs: run-local says which component, why and what to do
 * in two lines, stops the rest and exits non-zero, leaving no process behind.
 */
public class RunLocalFailureIT {

  @Test
  public void aBrokerKilledWhileRunningIsExplainedAndEverythingStops() throws Exception {
    Path dataDir = LocalRun.newDataDir("run-local-fail-");
    LocalRun run = LocalRun.start("--data-dir", dataDir.toString(), "--duration", "300s");
    String pidLine = run.await(PIDS, 240_000);
    long broker = LocalRun.pids(pidLine).get("kafka");

    assertEquals(0, new ProcessBuilder("kill", "-KILL", Long.toString(broker)).inheritIO().start().waitFor());

    assertEquals("exit code; output:\n" + run.output(), 1, run.awaitExit(120));
    List<String> lines = List.copyOf(run.lines);
    int at = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("run-local: the Kafka broker (pid " + broker + ") died: it was killed with SIGKILL")) {
        at = i;
      }
    }
    assertTrue("no line naming the broker and why; output:\n" + run.output(), at >= 0);
    assertTrue(lines.get(at + 1), lines.get(at + 1).startsWith("run-local: if it was the kernel, free memory; then run again"));
    assertTrue(lines.get(at + 1), lines.get(at + 1).contains(dataDir.resolve("kafka/broker.log").toString()));
    // Nothing else in between says the same again: two lines, then the stop.
    assertEquals("run-local: stopping everything it started.", lines.get(at + 2));
    assertNothingLeft(pidLine, dataDir);
    Map<Long, String> ps = LocalRun.ps();
    assertTrue(ps.toString(), ps.values().stream().noneMatch(a -> a.contains(dataDir.toString())));
  }
}
