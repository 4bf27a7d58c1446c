package io.candles.local;

import io.candles.process.JavaCommand;
import io.candles.process.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * One component of the local system in its own JVM, under the process toolkit's WatchParent so it
 * never outlives us, in a session of its own so that a Ctrl-C reaches
 * only us (we stop the components in order), its output in a log file of this run.
 */
final class Child {
  final String name;
  final Path log;
  private final Process process;

  private Child(String name, Path log, Process process) {
    this.name = name;
    this.log = log;
    this.process = process;
  }

  /** Runs {@code main} on {@code classpath} (the candle server runs from its own jar, as in production). */
  static Child start(String name, Path logDir, String classpath, List<String> jvmOptions, Class<?> main,
      List<String> args) throws IOException {
    Files.createDirectories(logDir);
    Path log = logDir.resolve(name + ".log");
    // Each run starts a fresh log, so that what is read from it (readiness, the last line of a
    // failure) is this run's; the previous run's stays beside it for a look back.
    if (Files.exists(log)) {
      Files.move(log, logDir.resolve(name + ".log.1"), StandardCopyOption.REPLACE_EXISTING);
    }
    List<String> cmd = JavaCommand.of(main).classpath(classpath).jvmOptions(jvmOptions).args(args).build();
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
    return new Child(name, log, p);
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Why it died, what to do, in two lines. */
  String deathReport() {
    return FailureReport.died("the " + name, pid(), process.isAlive() ? -1 : process.exitValue(),
        FailureReport.tail(log), log);
  }

  /** Waits for {@code ready}, failing with the component's name and its last log line if it dies. */
  void awaitReady(BooleanSupplier ready, long timeoutMillis, String what) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (System.currentTimeMillis() < deadline) {
      if (!process.isAlive()) {
        throw new ComponentFailure(name + " exited during start-up (code " + process.exitValue()
            + "): " + lastLine() + " (log: " + log + ")");
      }
      if (ready.getAsBoolean()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new ComponentFailure(name + " did not " + what + " within " + timeoutMillis / 1000
        + " s: " + lastLine() + " (log: " + log + ")");
  }

  /** Whether this run's log has a line containing {@code text}. */
  boolean logContains(String text) {
    try {
      return Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(text);
    } catch (IOException e) {
      return false;
    }
  }

  /** The last meaningful log line, for one-line error messages. */
  String lastLine() {
    return FailureReport.lastLine(FailureReport.tail(log));
  }

  /** SIGTERM, so it can flush and close; after {@code graceSeconds}, SIGKILL. */
  void stop(int graceSeconds) {
    Processes.stop(process, Duration.ofSeconds(graceSeconds), Duration.ofSeconds(10));
  }

  /** A component failed: the message names it, says why, and where to look. */
  static final class ComponentFailure extends RuntimeException {
    ComponentFailure(String message) {
      super(message, null, false, false);
    }
  }
}
