package io.candles.bench.jmh;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link TickParseBenchmark}'s cases timed in the thread's CPU time rather than wall-clock time:
 * for a machine shared with other work, where JMH's figures grow with the wait for a core and say
 * little about the parse. The cases take turns, round after round, and each prints the median
 * and the lowest of its rounds in ns per tick.
 *
 * <pre>scripts/bench-parse.sh --cpu-time [rounds]</pre>
 */
public final class TickParseCpuTime {
  private static final int OPS_PER_ROUND = 200_000;

  private interface Case {
    Object run() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    TickParseBenchmark bench = new TickParseBenchmark();
    bench.setUp();
    Map<String, Case> cases = new LinkedHashMap<>();
    cases.put("parseBytes", bench::parseBytes);
    cases.put("decodeThenParse", bench::decodeThenParse);
    cases.put("jacksonStreaming", bench::jacksonStreaming);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<String, List<Double>> perCase = new LinkedHashMap<>();
    cases.keySet().forEach(name -> perCase.put(name, new ArrayList<>()));
    int sink = 0;
    // The first rounds warm up the JIT and are not counted.
    int warmup = Math.max(5, rounds / 3);
    for (int r = 0; r < warmup + rounds; r++) {
      for (Map.Entry<String, Case> c : cases.entrySet()) {
        long start = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < OPS_PER_ROUND; i++) {
          sink += c.getValue().run().hashCode();
        }
        long cpu = threads.getCurrentThreadCpuTime() - start;
        if (r >= warmup) {
          perCase.get(c.getKey()).add((double) cpu / OPS_PER_ROUND);
        }
      }
    }
    System.out.printf("%-18s %12s %12s   (CPU time per tick, %d rounds of %,d; %d)%n",
        "case", "median ns", "lowest ns", rounds, OPS_PER_ROUND, sink & 1);
    for (Map.Entry<String, List<Double>> e : perCase.entrySet()) {
      double[] v = e.getValue().stream().mapToDouble(Double::doubleValue).toArray();
      Arrays.sort(v);
      System.out.printf("%-18s %12.1f %12.1f%n", e.getKey(), v[v.length / 2], v[0]);
    }
  }
}
