package io.candles.runners;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The launcher in a JVM of its own, as a user starts it, with its output in a log file. It exits
 * by itself when the test JVM is gone (PlainJvm.exitWithParent), so a crashed test leaves nothing.
 */
final class LauncherProcess implements AutoCloseable {

  private final Process process;
  private final Path log;

  private LauncherProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /**
   * The options that say where a test's pipeline reads and writes (its own topic, dead-letter
   * topic {@code TOPIC-dlq}, table and database); everything else stays at its default.
   */
  static List<String> arguments(String bootstrap, String topic, String table, io.candles.testkit.Database db) {
    List<String> args = new ArrayList<>(List.of("--bootstrapServers=" + bootstrap, "--topic=" + topic,
        "--dlqTopic=" + topic + "-dlq", "--table=" + table));
    args.addAll(List.of(db.options()));
    return args;
  }

  /** java -jar target/candles-pipeline.jar ARGS: the shaded jar, which the Flink runner stages as the job jar. */
  static LauncherProcess startJar(Path log, List<String> args) {
    return startJar(log, args, Map.of());
  }

  /** The same, with these variables added to the environment (options from the environment, see EnvOptions). */
  static LauncherProcess startJar(Path log, List<String> args, Map<String, String> env) {
    return startJar(jar(), log, args, env);
  }

  /** java -jar JAR ARGS: another build of the job jar (FlinkSavepointIT's rebuilt one). */
  static LauncherProcess startJar(Path jar, Path log, List<String> args, Map<String, String> env) {
    List<String> command = new ArrayList<>(List.of(java(), "-Xmx512m", parentPid(), "-jar", jar.toString()));
    command.addAll(args);
    return start(command, log, env);
  }

  /** The job keeper from the job jar, as docker-compose.yml's submit service runs it: java -cp JAR JobKeeper. */
  static LauncherProcess startKeeper(Path log, Map<String, String> env) {
    return start(List.of(java(), "-Xmx128m", parentPid(), "-cp", jar().toString(), JobKeeper.class.getName()), log,
        env);
  }

  /** target/candles-pipeline.jar, which the build's package phase makes. */
  static Path jar() {
    Path jar = Paths.get("target", "candles-pipeline.jar").toAbsolutePath();
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: run the build through 'package' (mvn verify does)");
    }
    return jar;
  }

  /** java -cp target/classes:RUNTIME_CLASSPATH io.candles.runners.CandlesLauncher ARGS. */
  static LauncherProcess startClasspath(Path log, List<String> args) {
    String classpath;
    try {
      classpath = Paths.get("target", "classes").toAbsolutePath() + File.pathSeparator
          + Files.readString(Paths.get("target", "runtime.classpath"), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("target/runtime.classpath is missing: run the build (mvn verify)", e);
    }
    List<String> command = new ArrayList<>(List.of(java(), "-Xmx768m", parentPid(), "-cp", classpath,
        CandlesLauncher.class.getName()));
    command.addAll(args);
    return start(command, log);
  }

  private static LauncherProcess start(List<String> command, Path log) {
    return start(command, log, Map.of());
  }

  private static LauncherProcess start(List<String> command, Path log, Map<String, String> env) {
    try {
      Files.createDirectories(log.getParent());
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      builder.environment().putAll(env);
      Process p = builder.start();
      return new LauncherProcess(p, log);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the launcher", e);
    }
  }

  private static String java() {
    return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String parentPid() {
    return "-D" + PlainJvm.PARENT_PID_PROPERTY + "=" + ProcessHandle.current().pid();
  }

  String output() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + log + ")";
    }
  }

  /** The last lines of the output, for failure messages. */
  String tail() {
    List<String> lines = output().lines().filter(l -> !l.startsWith("\tat ")).toList();
    return "last lines of " + log + ":\n  " + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 25),
        lines.size()));
  }

  /** Waits for a line matching the pattern; its first group. Fails if the process exits first. */
  String awaitOutput(Pattern pattern, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Matcher m = pattern.matcher(output());
      if (m.find()) {
        return m.groupCount() > 0 ? m.group(1) : m.group();
      }
      if (!process.isAlive()) {
        Matcher last = pattern.matcher(output());
        if (last.find()) {
          return last.groupCount() > 0 ? last.group(1) : last.group();
        }
        throw new AssertionError("the launcher exited with " + process.exitValue() + " before printing "
            + pattern + "; " + tail());
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the launcher did not print " + pattern + " within " + timeout + "; " + tail());
  }

  Optional<Integer> waitFor(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? Optional.of(process.exitValue())
        : Optional.empty();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** kill -9 and wait until it is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
