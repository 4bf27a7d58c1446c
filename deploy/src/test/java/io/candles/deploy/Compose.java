package io.candles.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Compose project of this repository's compose files, driven through the Compose command line the
 * machine has: Debian's docker-compose 1.29, else Compose v2's 'docker compose'. Every command and its
 * output goes to a log file, and a command that fails is an AssertionError with its output.
 */
final class Compose {

  /** What {@link #states()} tells about one container. */
  record State(String name, String service, String status, String health, int exitCode) {
    boolean oneShot() {
      return service.equals("migrate") || service.equals("flink-data-init");
    }

    boolean ready() {
      return oneShot() ? status.equals("exited") && exitCode == 0
          : status.equals("running") && health.equals("healthy");
    }

    boolean broken() {
      return oneShot() ? status.equals("exited") && exitCode != 0
          : status.equals("exited") || status.equals("dead") || health.equals("unhealthy");
    }
  }

  private final Path root;
  private final String project;
  private final List<String> files;
  private final Map<String, String> env;
  private final Path log;
  private final List<String> command;

  Compose(Path root, String project, List<String> files, Map<String, String> env, Path log) {
    this.root = root;
    this.project = project;
    this.files = List.copyOf(files);
    this.env = new LinkedHashMap<>(env);
    this.log = log;
    this.command = exec(root, List.of("docker-compose", "version"), Map.of(), Duration.ofSeconds(30)).code() == 0
        ? List.of("docker-compose") : List.of("docker", "compose");
  }

  String project() {
    return project;
  }

  /** docker-compose -p PROJECT -f FILE... ARGS; its output; an AssertionError if it fails. */
  String run(Duration timeout, String... args) {
    List<String> full = new ArrayList<>(command);
    full.addAll(List.of("-p", project));
    for (String f : files) {
      full.addAll(List.of("-f", f));
    }
    full.addAll(List.of(args));
    try {
      return check(full, timeout);
    } catch (AssertionError e) {
      // A service that exited (a one-shot whose dependants then fail to start) says why in its log.
      throw args.length > 0 && args[0].equals("up") ? new AssertionError(e.getMessage() + "\n" + logs()) : e;
    }
  }

  /** A docker command (kill, start, inspect, ...); its output; an AssertionError if it fails. */
  String docker(Duration timeout, String... args) {
    List<String> full = new ArrayList<>(List.of("docker"));
    full.addAll(List.of(args));
    return check(full, timeout);
  }

  /** The ids of the containers of a service (every one of the project with no service). */
  List<String> containers(String... service) {
    List<String> args = new ArrayList<>(List.of("ps", "-a", "-q"));
    args.addAll(List.of(service));
    return run(Duration.ofSeconds(60), args.toArray(new String[0])).lines().filter(l -> !l.isBlank())
        .map(String::trim).toList();
  }

  /** Every container of the project and what it is doing. */
  List<State> states() {
    List<String> ids = containers();
    if (ids.isEmpty()) {
      return List.of();
    }
    List<String> args = new ArrayList<>(List.of("inspect", "-f",
        "{{.Name}} {{index .Config.Labels \"com.docker.compose.service\"}} {{.State.Status}} "
            + "{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} {{.State.ExitCode}}"));
    args.addAll(ids);
    List<State> states = new ArrayList<>();
    for (String line : docker(Duration.ofSeconds(60), args.toArray(new String[0])).lines().toList()) {
      String[] f = line.trim().split(" ");
      if (f.length == 5) {
        states.add(new State(f[0].replaceFirst("^/", ""), f[1], f[2], f[3], Integer.parseInt(f[4])));
      }
    }
    return states;
  }

  /** Waits until every container runs healthy (the one-shot ones exited with 0); fails early on a broken one. */
  void awaitHealthy(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<State> states = List.of();
    while (System.nanoTime() < deadline) {
      states = states();
      List<State> broken = states.stream().filter(State::broken).toList();
      if (!broken.isEmpty()) {
        throw new AssertionError("broken containers: " + broken + "\n" + logs());
      }
      if (!states.isEmpty() && states.stream().allMatch(State::ready)) {
        return;
      }
      Thread.sleep(2000);
    }
    throw new AssertionError("not every service is healthy within " + timeout + ": " + states + "\n" + logs());
  }

  /** The last lines of every service's log, for failure messages. */
  String logs() {
    try {
      List<String> full = new ArrayList<>(command);
      full.addAll(List.of("-p", project));
      for (String f : files) {
        full.addAll(List.of("-f", f));
      }
      full.addAll(List.of("logs", "--no-color", "--tail", "25"));
      return exec(root, full, env, Duration.ofSeconds(60)).output();
    } catch (RuntimeException e) {
      return "(no logs: " + e.getMessage() + ")";
    }
  }

  private String check(List<String> full, Duration timeout) {
    append("$ " + String.join(" ", full));
    Result r = exec(root, full, env, timeout);
    append(r.output());
    if (r.code() != 0) {
      List<String> lines = r.output().lines().toList();
      throw new AssertionError("'" + String.join(" ", full) + "' failed with exit code " + r.code() + ":\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
    }
    return r.output();
  }

  private void append(String text) {
    try {
      Files.createDirectories(log.getParent());
      Files.writeString(log, Instant.now().truncatedTo(ChronoUnit.SECONDS) + " " + text + "\n",
          StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  record Result(int code, String output) {}

  /** Runs a command in dir with extra environment variables; code -1 when it does not finish in time. */
  static Result exec(Path dir, List<String> command, Map<String, String> env, Duration timeout) {
    try {
      Path out = Files.createTempFile("compose-", ".out");
      try {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
            .redirectOutput(out.toFile());
        builder.environment().putAll(env);
        Process p = builder.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
          p.waitFor(30, TimeUnit.SECONDS);
          return new Result(-1, Files.readString(out, StandardCharsets.UTF_8) + "\n(timed out after " + timeout + ")");
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      return new Result(-1, "cannot run " + command + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted: " + command);
    }
  }
}
