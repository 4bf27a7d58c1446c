package io.candles.bench;

import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.Assume;
import org.junit.Test;

public class CoresUsedTest {

  @Test
  public void aBusyPipelineProcessIsCountedAsThePipeline() throws Exception {
    Assume.assumeTrue("needs /proc", Files.isReadable(Path.of("/proc/stat")));
    // A shell spinning in a loop stands in for a busy pipeline JVM: about one core while it runs.
    Process spinner = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
    try {
      long now = System.currentTimeMillis();
      CoresUsed cores = new CoresUsed(spinner, now);
      cores.at(now);
      Thread.sleep(1_500);
      Map<String, Object> result = new HashMap<>();
      String line = cores.end(result);
      double pipeline = (Double) result.get("coresPipeline");
      double all = (Double) result.get("coresBusy");
      assertTrue(line, pipeline >= 0.3 && pipeline <= 1.1);
      assertTrue(line, all >= pipeline - 0.05);
      assertTrue(line, line.startsWith("cores used: pipeline "));
    } finally {
      spinner.destroyForcibly().waitFor();
    }
  }
}
