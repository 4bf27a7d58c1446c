package io.candles.local;

import static io.candles.local.LocalRun.PIDS;
import static io.candles.local.LocalRun.assertNothingLeft;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.Test;

/**
 * Ctrl-C as a terminal delivers it, SIGINT to the whole foreground process group: only run-local
 * is in that group, so it alone receives it and stops the rest in order (the ingester before the
 * broker), leaving nothing running. And a second run on the same data directory is refused
 * without harm to the first.
 */
public class RunLocalInterruptIT {

  @Test
  public void ctrlCStopsEverythingInOrderAndASecondRunOnTheSameDataIsRefused() throws Exception {
    Path dataDir = LocalRun.newDataDir("run-local-int-");
    LocalRun run = LocalRun.start(true, "--data-dir", dataDir.toString());
    String pidLine = run.await(PIDS, 240_000);
    Map<String, Long> pids = LocalRun.pids(pidLine);
    long self = run.process.pid();

    // Only run-local itself is in its (the terminal's foreground) process group.
    assertEquals("the foreground process group", List.of(self), LocalRun.processGroup(self));

    // A second run on the same data: one line naming the holder and what to do; the first's
    // database is untouched.
    LocalRun second = LocalRun.start("--data-dir", dataDir.toString(), "--duration", "30s");
    assertEquals(second.output(), 1, second.awaitExit(60));
    assertEquals("run-local: " + dataDir + " is in use by PID " + self + " (another run-local); stop that one "
        + "(Ctrl-C in its terminal, or kill " + self + ") or choose another --data-dir", second.output());
    assertTrue("the first run's PostgreSQL", LocalRun.ps().containsKey(pids.get("postgres")));

    run.interruptGroup();
    // Note when the ingester and the broker go, polling ps.
    long ingesterGone = 0;
    long brokerGone = 0;
    long deadline = System.currentTimeMillis() + 120_000;
    while ((ingesterGone == 0 || brokerGone == 0) && System.currentTimeMillis() < deadline) {
      Map<Long, String> ps = LocalRun.ps();
      long now = System.nanoTime();
      if (ingesterGone == 0 && !ps.containsKey(pids.get("ingester"))) {
        ingesterGone = now;
      }
      if (brokerGone == 0 && !ps.containsKey(pids.get("kafka"))) {
        brokerGone = now;
      }
      Thread.sleep(20);
    }
    assertEquals("exit code (128 + SIGINT); output:\n" + run.output(), 130, run.awaitExit(120));
    assertTrue("the ingester stopped before the broker", ingesterGone != 0 && ingesterGone < brokerGone);
    String out = run.output();
    assertThat(out, containsString("run-local: interrupted; stopping everything it started, the ingester first."));
    assertThat(out, not(containsString("--duration reached")));
    assertTrue(out, out.indexOf("run-local: stopped the ingester") < out.indexOf("run-local: stopped the Kafka broker"));
    assertTrue(out, out.indexOf("run-local: stopped the Kafka broker") < out.indexOf("run-local: stopped PostgreSQL"));
    assertNothingLeft(pidLine, dataDir);
  }

  /** Ctrl-C while PostgreSQL starts (here: its very first start, initdb included) leaves no postgres. */
  @Test
  public void ctrlCWhilePostgresStartsLeavesNothing() throws Exception {
    Path dataDir = LocalRun.newDataDir("run-local-int-pg-");
    LocalRun run = LocalRun.start(true, "--data-dir", dataDir.toString());
    run.await(Pattern.compile("run-local: (starting Kafka and PostgreSQL)"), 60_000);
    Thread.sleep(1_500);
    run.interruptGroup();
    assertEquals(run.output(), 130, run.awaitExit(180));
    assertThat(run.output(), containsString("run-local: interrupted"));
    assertNothingLeft("", dataDir);
  }
}
