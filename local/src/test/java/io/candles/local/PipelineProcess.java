package io.candles.local;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The candle pipeline's launcher in a JVM of its own, on this module's classpath, as run-local
 * starts it, its output in a log: for the tests that run the pipeline beside an ingester.
 */
final class PipelineProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private PipelineProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts {@code io.candles.runners.CandlesLauncher} with {@code options}, writing to {@code log}. */
  static PipelineProcess start(Path log, List<String> options) throws IOException {
    String classpath = Paths.get("target", "classes").toAbsolutePath() + File.pathSeparator
        + Files.readString(Paths.get("target", "runtime.classpath"), StandardCharsets.UTF_8).trim();
    List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java")
        .toString(), "-Xmx768m", "-Dcandles.parentPid=" + ProcessHandle.current().pid(), "-cp", classpath,
        "io.candles.runners.CandlesLauncher"));
    command.addAll(options);
    Files.createDirectories(log.getParent());
    return new PipelineProcess(
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start(), log);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Waits until {@code done}; fails with the log's tail after {@code timeout} or if the pipeline died. */
  void await(String what, Duration timeout, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline || !process.isAlive()) {
        throw new AssertionError("not reached within " + timeout + ": " + what + "\n" + tail());
      }
      Thread.sleep(500);
    }
  }

  /** The log's last lines, stack frames left out. */
  String tail() {
    try {
      List<String> lines = Files.readAllLines(log).stream().filter(l -> !l.startsWith("\tat ")).toList();
      return "last lines of " + log + ":\n  " + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 25),
          lines.size()));
    } catch (IOException e) {
      return "(no log at " + log + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }
}
