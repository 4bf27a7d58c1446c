package io.candles.runners;

import io.candles.contract.Durations;
import io.candles.process.FlinkJvmOptions;
import io.candles.process.JavaCommand;
import io.candles.process.WatchParent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps the candle job running on a Flink session cluster without a manual step: docker-compose.yml's
 * {@code submit} service. Every interval it asks the cluster for a job of the configured name; while
 * one is there and not finished, it does nothing. When there is none (a new cluster, a JobManager
 * that restarted and forgot its jobs, a host that rebooted, a job stopped with a savepoint for an
 * upgrade) it submits the job with the launcher, resumed from the newest retained checkpoint or
 * savepoint, so that no tick is lost or counted twice; with none, from the start. A restore point
 * whose job fails before it runs is set aside and the next newest tried.
 *
 * <p>Configured by environment variables, like the launcher, which it runs in a JVM of its own with
 * the same environment (so BOOTSTRAP_SERVERS, JDBC_URL, JDBC_PASSWORD_FILE, ... reach it):
 * FLINK_MASTER (required), JOB_NAME (default {@code candles}), CHECKPOINTS_DIR and SAVEPOINTS_DIR
 * (the cluster's {@code state.checkpoints.dir} and {@code state.savepoints.dir} as mounted here),
 * SAVEPOINT_PATH (a restore point of your own, taken when it is the newest), KEEPER_INTERVAL
 * (default 10s), KEEPER_SUBMIT_TIMEOUT (default 5m: how long a submitted job may take to run all its
 * tasks), KEEPER_STATE_FILE (a file that gets the job's state each round, for health checks),
 * LAUNCHER_JAVA_OPTS (default {@code -Xmx512m}).
 *
 * <p>It resubmits a job that was cancelled too: stop the keeper first to stop the job for good.
 */
public final class JobKeeper {

  static final Pattern JOB_ID = Pattern.compile("Flink job ([0-9a-f]{32}) submitted");

  /** The keeper's own variables; everything else in its environment is the launcher's. */
  static final List<String> VARIABLES = List.of("FLINK_MASTER", "JOB_NAME", "CHECKPOINTS_DIR", "SAVEPOINTS_DIR",
      "SAVEPOINT_PATH", "KEEPER_INTERVAL", "KEEPER_SUBMIT_TIMEOUT", "KEEPER_STATE_FILE", "LAUNCHER_JAVA_OPTS");

  private final FlinkJobs flink;
  private final String jobName;
  private final RestorePoints restorePoints;
  private final Duration interval;
  private final Duration submitTimeout;
  private final Optional<Path> stateFile;
  private final List<String> launcherJvmOptions;
  private final Map<String, String> env;
  private final Set<Path> failedRestorePoints = new HashSet<>();
  private String lastReport = "";

  JobKeeper(Map<String, String> env) {
    String master = env.getOrDefault("FLINK_MASTER", "");
    if (master.isBlank()) {
      throw new IllegalArgumentException("FLINK_MASTER is not set: the Flink REST address, host:port");
    }
    this.env = env;
    this.flink = new FlinkJobs(master);
    this.jobName = env.getOrDefault("JOB_NAME", "").isBlank() ? "candles" : env.get("JOB_NAME");
    this.restorePoints = new RestorePoints(paths(env.get("CHECKPOINTS_DIR")), paths(env.get("SAVEPOINTS_DIR")),
        paths(env.get("SAVEPOINT_PATH")));
    this.interval = duration(env, "KEEPER_INTERVAL", "10s");
    this.submitTimeout = duration(env, "KEEPER_SUBMIT_TIMEOUT", "5m");
    this.stateFile = Optional.ofNullable(env.get("KEEPER_STATE_FILE")).filter(s -> !s.isBlank()).map(Paths::get);
    String opts = env.getOrDefault("LAUNCHER_JAVA_OPTS", "");
    this.launcherJvmOptions = List.of((opts.isBlank() ? "-Xmx512m" : opts).trim().split("\\s+"));
  }

  public static void main(String[] args) throws InterruptedException {
    if (args.length > 0) {
      System.out.println("Keeps the candle job running on a Flink session cluster; configured by environment "
          + "variables (no arguments): " + String.join(", ", VARIABLES) + ", and the launcher's own (see java -jar "
          + "candles-pipeline.jar --help).");
      System.exit(args[0].equals("--help") || args[0].equals("-h") ? 0 : 2);
    }
    WatchParent.fromSystemProperty();
    JobKeeper keeper;
    try {
      keeper = new JobKeeper(System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("keeper: " + e.getMessage());
      System.exit(2);
      return;
    }
    keeper.run();
  }

  /** Rounds until the JVM is stopped. */
  void run() throws InterruptedException {
    log("keeping job '" + jobName + "' running on " + flink.baseUrl() + ", checking every " + interval.toSeconds()
        + " s");
    while (true) {
      try {
        round();
      } catch (RuntimeException e) {
        report("ERROR", "a round failed: " + e);
      }
      Thread.sleep(interval.toMillis());
    }
  }

  /** One look at the cluster, and a submission if the job is not there. */
  void round() throws InterruptedException {
    Optional<List<FlinkJobs.Job>> jobs = flink.jobs();
    if (jobs.isEmpty()) {
      report("UNREACHABLE", "Flink does not answer at " + flink.baseUrl() + "; waiting for it");
      return;
    }
    List<FlinkJobs.Job> active = jobs.get().stream().filter(j -> j.name().equals(jobName) && j.active()).toList();
    if (!active.isEmpty()) {
      FlinkJobs.Job job = active.get(0);
      report(job.fullyRunning() ? "RUNNING " + job.id() : job.state() + " " + job.id(),
          "job '" + jobName + "' (" + job.id() + ") is " + job.state() + (active.size() > 1
              ? "; " + active.size() + " jobs of that name are active, which this keeper never does" : "")
              + ": nothing to do");
      return;
    }
    Optional<RestorePoints.RestorePoint> from = restorePoints.newest(failedRestorePoints);
    report("SUBMITTING", "no job '" + jobName + "' runs on " + flink.baseUrl() + ": submitting it "
        + from.map(p -> "from " + p.directory() + " (completed " + p.completed() + ")")
            .orElse("from the start (no retained checkpoint or savepoint)"));
    Optional<String> jobId = submit(from.map(p -> p.directory().toString()));
    if (jobId.isEmpty()) {
      return;
    }
    awaitRunning(jobId.get(), from.map(RestorePoints.RestorePoint::directory));
  }

  /** Runs the launcher; the id of the job it submitted. */
  private Optional<String> submit(Optional<String> savepoint) throws InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(JavaCommand.javaBinary());
    command.addAll(launcherJvmOptions);
    command.addAll(FlinkJvmOptions.JAVA17);
    command.add("-D" + PlainJvm.PARENT_PID_PROPERTY + "=" + ProcessHandle.current().pid());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(CandlesLauncher.class.getName());
    command.add("--runner=FlinkRunner");
    command.add("--flinkMaster=" + env.get("FLINK_MASTER"));
    command.add("--jobName=" + jobName);
    savepoint.ifPresent(s -> command.add("--savepointPath=" + s));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // The keeper chooses the restore point; the launcher must not add the variable's own.
    builder.environment().remove("SAVEPOINT_PATH");
    builder.environment().remove("SAVEPOINT_PATH" + EnvOptions.FILE_SUFFIX);
    Process launcher;
    try {
      launcher = builder.start();
    } catch (IOException e) {
      report("ERROR", "cannot start the launcher: " + e.getMessage());
      return Optional.empty();
    }
    String jobId = null;
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(launcher.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        System.out.println("  launcher: " + line);
        Matcher m = JOB_ID.matcher(line);
        if (m.find()) {
          jobId = m.group(1);
        }
      }
    } catch (IOException e) {
      report("ERROR", "lost the launcher's output: " + e.getMessage());
    } finally {
      launcher.destroy();
    }
    int code = launcher.waitFor();
    if (code != 0 || jobId == null) {
      report("SUBMIT_FAILED", "the launcher exited with " + code + " (above); trying again in "
          + interval.toSeconds() + " s");
      return Optional.empty();
    }
    return Optional.of(jobId);
  }

  /** Waits until the job runs all its tasks; sets the restore point aside if the job fails first. */
  private void awaitRunning(String jobId, Optional<Path> restoredFrom) throws InterruptedException {
    long deadline = System.nanoTime() + submitTimeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<FlinkJobs.Job> job = flink.job(jobId);
      if (job.isPresent() && job.get().fullyRunning()) {
        report("RUNNING " + jobId, "job '" + jobName + "' (" + jobId + ") runs");
        return;
      }
      if (job.isPresent() && !job.get().active()) {
        String why = flink.rootException(jobId).orElse("no exception recorded");
        restoredFrom.ifPresent(failedRestorePoints::add);
        report("FAILED " + jobId, "job '" + jobName + "' (" + jobId + ") ended " + job.get().state()
            + " before it ran: " + why + restoredFrom.map(p -> "; not resuming from " + p + " again").orElse(""));
        return;
      }
      Thread.sleep(1000);
    }
    report("STARTING " + jobId, "job '" + jobName + "' (" + jobId + ") does not run all its tasks after "
        + submitTimeout.toSeconds() + " s (free slots?); leaving it to Flink");
  }

  /** Logs when the message changes, and writes the state file every round. */
  private void report(String state, String message) {
    if (!message.equals(lastReport)) {
      log(message);
      lastReport = message;
    }
    stateFile.ifPresent(f -> {
      try {
        Path tmp = Files.createTempFile(f.toAbsolutePath().getParent(), ".keeper", ".tmp");
        Files.writeString(tmp, state + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + f, e);
      }
    });
  }

  private static void log(String message) {
    System.out.println(java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " keeper: "
        + message);
  }

  private static List<Path> paths(String value) {
    List<Path> paths = new ArrayList<>();
    if (value != null) {
      for (String p : value.split(",")) {
        if (!p.isBlank()) {
          paths.add(Paths.get(p.trim().replaceFirst("^file:(//)?", "")));
        }
      }
    }
    return paths;
  }

  private static Duration duration(Map<String, String> env, String name, String fallback) {
    String value = env.getOrDefault(name, "").isBlank() ? fallback : env.get(name);
    try {
      return Durations.parse(name, value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + "=" + value + " is not a duration (10s, 5m)");
    }
  }
}
