package io.candles.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The events of every tail source of one run, read from the logs after it, and which logs were not
 * there (a source without a log is not "none found", it is unknown).
 */
record TailEvidence(List<Interval> intervals, List<String> missing) {

  /**
   * @param gcLog the pipeline JVM's unified GC log; null when the job runs in another JVM (a session
   *     cluster's TaskManagers)
   * @param flinkLog the log holding Flink's CheckpointCoordinator lines (the pipeline's on a
   *     mini-cluster); null when the runner is not Flink
   * @param pgLog PostgreSQL's server log; null if not known
   * @param cpuLog the machine's core usage sampled during the run ({@link CpuLog}); null if not
   *     sampled
   * @param openUntil the end of an event still running as its log ends
   */
  static TailEvidence read(Path gcLog, Path flinkLog, Path pgLog, Path cpuLog, long openUntil) {
    List<Interval> intervals = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    if (gcLog == null) {
      missing.add("GC log of the cluster's TaskManagers");
    } else if (exists(gcLog, "GC log", missing)) {
      intervals.addAll(GcLog.parse(lines(gcLog)));
    }
    if (flinkLog != null && exists(flinkLog, "Flink log", missing)) {
      intervals.addAll(FlinkCheckpointLog.parse(lines(flinkLog), openUntil));
    }
    if (pgLog == null) {
      missing.add("PostgreSQL log (--pgLog)");
    } else if (exists(pgLog, "PostgreSQL log", missing)) {
      intervals.addAll(PostgresLog.parse(lines(pgLog), openUntil));
    }
    if (cpuLog == null) {
      missing.add("CPU samples (no /proc/stat)");
    } else if (exists(cpuLog, "CPU samples", missing)) {
      intervals.addAll(CpuLog.parse(lines(cpuLog)));
    }
    return new TailEvidence(List.copyOf(intervals), List.copyOf(missing));
  }

  private static boolean exists(Path file, String what, List<String> missing) {
    if (file != null && Files.isRegularFile(file)) {
      return true;
    }
    missing.add(what + " " + file);
    return false;
  }

  private static List<String> lines(Path file) {
    try {
      // A log may hold bytes that are not UTF-8 (a pipeline's stack trace, a server's locale).
      return List.of(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).split("\r?\n"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
