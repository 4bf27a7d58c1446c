package io.candles.flinkcluster;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.After;
import org.junit.Test;

/**
 * scripts/flink-cluster.sh as a user runs it: start prints the REST address and leaves a JobManager
 * and the TaskManagers running as separate JVMs after the script has exited; status tells; a second
 * start does not start a second cluster; stop ends every process.
 */
public class FlinkClusterScriptIT {

  private Path dataDir;

  record Result(int exitCode, String out) {}

  private Result script(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", Paths.get("..", "scripts", "flink-cluster.sh").toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue("flink-cluster.sh did not exit", p.waitFor(180, TimeUnit.SECONDS));
    return new Result(p.exitValue(), out);
  }

  @After
  public void stopWhateverIsLeft() throws Exception {
    if (dataDir != null) {
      RunningCluster.stop(dataDir);
    }
  }

  @Test
  public void startStatusStop() throws Exception {
    Path root = Files.createDirectories(Paths.get("target", "it-services").toAbsolutePath());
    dataDir = Files.createTempDirectory(root, "flink-script-");

    Result start = script("start", "--taskmanagers", "1", "--slots", "1", "--data-dir", dataDir.toString());
    assertEquals(start.out(), 0, start.exitCode());
    Matcher master = Pattern.compile("FLINK_MASTER=(127\\.0\\.0\\.1:\\d+)").matcher(start.out());
    assertTrue(start.out(), master.find());
    assertThat(Files.readString(dataDir.resolve("flink.env")), containsString("FLINK_MASTER=" + master.group(1)));
    List<String> running = RunningCluster.members(dataDir);
    assertEquals("the JobManager and one TaskManager outlive the script: " + running, 2, running.size());

    Result status = script("status", "--data-dir", dataDir.toString());
    assertEquals(status.out(), 0, status.exitCode());
    assertThat(status.out(), containsString("\"taskmanagers\":1"));
    assertThat(status.out(), containsString("\"flink-version\":\"1.19.0\""));

    Result again = script("start", "--data-dir", dataDir.toString());
    assertEquals(again.out(), 0, again.exitCode());
    assertThat(again.out(), containsString("already running"));
    assertEquals(running, RunningCluster.members(dataDir));

    Result stop = script("stop", "--data-dir", dataDir.toString());
    assertEquals(stop.out(), 0, stop.exitCode());
    assertEquals(List.of(), RunningCluster.members(dataDir));
    Result after = script("status", "--data-dir", dataDir.toString());
    assertEquals(after.out(), 1, after.exitCode());
    assertThat(after.out(), containsString("No Flink cluster is running"));
  }

  @Test
  public void badArgumentsAreExitCodeTwo() throws Exception {
    assertEquals(2, script("start", "--taskmanagers").exitCode());
    assertEquals(2, script("restart").exitCode());
    assertEquals(2, script("status", "--slots", "2").exitCode());
  }
}
