package io.candles.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which processes used the machine's cores over the measured window: the pipeline, PostgreSQL, the
 * Kafka broker, this benchmark (the load generator and the audit reader) and the rest, in cores
 * (CPU seconds per second). With every core busy as a tail source ({@link CpuLog}), this says who
 * kept them busy. Read from each process's own CPU time ({@link ProcessHandle.Info}) at the start
 * and end of the window; a process that ended in between counts as the rest.
 */
final class CoresUsed {
  private static final Path PROC_STAT = Path.of("/proc/stat");
  /** The kernel's unit of CPU time in /proc/stat (USER_HZ). */
  private static final long NANOS_PER_TICK = 10_000_000L;

  private final long pipelinePid;
  private final long at;
  private Snapshot start;

  /** @param at when the window starts (epoch ms): the first {@link #at(long)} at or after it samples */
  CoresUsed(Process pipeline, long at) {
    this.pipelinePid = pipeline.pid();
    this.at = at;
  }

  void at(long now) {
    if (start == null && now >= at) {
      start = snapshot();
    }
  }

  /** Cores used per process group from the first sample to now, into the result; one line. */
  String end(Map<String, Object> result) {
    if (start == null) {
      start = snapshot();
    }
    Snapshot end = snapshot();
    double seconds = (end.wallNanos - start.wallNanos) / 1e9;
    if (seconds <= 0 || end.machineNanos < 0 || start.machineNanos < 0) {
      return "cores used: not known here (no /proc/stat)";
    }
    Map<String, Double> cores = new LinkedHashMap<>();
    double known = 0;
    for (Group g : Group.values()) {
      if (g == Group.OTHER) {
        continue;
      }
      long used = 0;
      for (Map.Entry<Long, Long> e : end.cpuNanos.entrySet()) {
        if (end.group.get(e.getKey()) == g) {
          used += e.getValue() - start.cpuNanos.getOrDefault(e.getKey(), 0L);
        }
      }
      double c = used / 1e9 / seconds;
      cores.put(g.label, c);
      known += c;
    }
    double machine = (end.machineNanos - start.machineNanos) / 1e9 / seconds;
    cores.put(Group.OTHER.label, Math.max(0, machine - known));
    StringBuilder line = new StringBuilder("cores used: ");
    for (Map.Entry<String, Double> e : cores.entrySet()) {
      result.put("cores" + Character.toUpperCase(e.getKey().charAt(0)) + e.getKey().substring(1).replace(" ", ""),
          Math.round(e.getValue() * 100) / 100.0);
      line.append(String.format("%s %.2f, ", e.getKey(), e.getValue()));
    }
    result.put("coresBusy", Math.round(machine * 100) / 100.0);
    return line.append(String.format("all %.2f of %d", machine, Runtime.getRuntime().availableProcessors()))
        .toString();
  }

  private enum Group {
    PIPELINE("pipeline"), POSTGRES("postgres"), BROKER("broker"), BENCH("bench"), OTHER("other");

    final String label;

    Group(String label) {
      this.label = label;
    }
  }

  private record Snapshot(long wallNanos, long machineNanos, Map<Long, Long> cpuNanos, Map<Long, Group> group) {
  }

  private Snapshot snapshot() {
    Map<Long, Long> cpu = new HashMap<>();
    Map<Long, Group> group = new HashMap<>();
    long self = ProcessHandle.current().pid();
    ProcessHandle.allProcesses().forEach(p -> {
      Group g = groupOf(p, self);
      if (g != Group.OTHER) {
        p.info().totalCpuDuration().map(Duration::toNanos).ifPresent(n -> {
          cpu.put(p.pid(), n);
          group.put(p.pid(), g);
        });
      }
    });
    return new Snapshot(System.nanoTime(), machineBusyNanos(), cpu, group);
  }

  private Group groupOf(ProcessHandle p, long self) {
    if (p.pid() == pipelinePid || p.parent().map(q -> q.pid() == pipelinePid).orElse(false)) {
      return Group.PIPELINE;
    }
    if (p.pid() == self) {
      return Group.BENCH;
    }
    ProcessHandle.Info info = p.info();
    String command = info.command().orElse("");
    if (command.endsWith("/postgres")) {
      return Group.POSTGRES;
    }
    return command.endsWith("/java") && isKafkaBroker(p.pid()) ? Group.BROKER : Group.OTHER;
  }

  /**
   * Whether a JVM runs the broker's main class. Read from /proc, not {@link ProcessHandle.Info#arguments}:
   * the JDK leaves those out when the command line is long, and the broker's classpath is.
   */
  private static boolean isKafkaBroker(long pid) {
    try {
      String cmdline = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
          StandardCharsets.UTF_8);
      return cmdline.contains("\0kafka.Kafka\0");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Busy CPU time of all cores since boot, or -1 without /proc/stat. */
  private static long machineBusyNanos() {
    try {
      for (String line : Files.readAllLines(PROC_STAT, StandardCharsets.US_ASCII)) {
        if (line.startsWith("cpu ")) {
          String[] f = line.trim().split("\\s+");
          long busy = 0;
          // user nice system (idle iowait) irq softirq steal
          for (int i = 1; i <= Math.min(8, f.length - 1); i++) {
            if (i != 4 && i != 5) {
              busy += Long.parseLong(f[i]);
            }
          }
          return busy * NANOS_PER_TICK;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
