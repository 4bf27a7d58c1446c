package io.candles.bench;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import org.junit.Test;

public class CpuLogTest {

  @Test
  public void aStretchRunsFromTheSampleBeforeItsFirstSaturatedOneToItsLast() {
    List<Interval> stretches = CpuLog.parse(List.of(CpuLog.HEADER,
        "1000,400,1",
        "1100,960,3",
        "1200,1000,5",
        "1300,949,2",
        "1400,950,4"));
    assertEquals(2, stretches.size());
    Interval first = stretches.get(0);
    assertEquals(TailSource.CPU_SATURATED, first.source());
    assertEquals(1000, first.start());
    assertEquals(1200, first.end());
    assertTrue(first.what(), first.what().contains("200 ms") && first.what().contains("5 runnable"));
    // Exactly the threshold counts; a run still going when the log ends is kept.
    assertEquals(1300, stretches.get(1).start());
    assertEquals(1400, stretches.get(1).end());
  }

  @Test
  public void theFirstSampleHasNoStretchBeforeIt() {
    assertEquals(List.of(), CpuLog.parse(List.of(CpuLog.HEADER, "1000,1000,9", "1100,100,1")));
  }

  @Test
  public void theSamplerWritesOneLinePerTenthOfASecond() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("cpu", ".csv");
    try {
      CpuLog.Sampler sampler = CpuLog.Sampler.start(file);
      org.junit.Assume.assumeNotNull(sampler);
      Thread.sleep(650);
      sampler.close();
      List<String> lines = java.nio.file.Files.readAllLines(file);
      assertEquals(CpuLog.HEADER, lines.get(0));
      assertTrue(lines.toString(), lines.size() - 1 >= 4 && lines.size() - 1 <= 8);
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split(",");
        int busy = Integer.parseInt(f[1]);
        assertTrue(line, busy >= 0 && busy <= 1000 && Integer.parseInt(f[2]) >= 0);
      }
    } finally {
      java.nio.file.Files.deleteIfExists(file);
    }
  }
}
