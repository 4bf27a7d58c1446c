package io.candles.flinkcluster;

import io.candles.process.FlinkJvmOptions;
import io.candles.process.JavaCommand;
import io.candles.process.Ports;
import io.candles.process.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real Apache Flink session cluster on this machine (the Flink of the root pom's flink.version,
 * the one beam-runners-flink-1.19 is built against): a JobManager (StandaloneSessionClusterEntrypoint,
 * with the REST API and web UI) and TaskManagers (TaskManagerRunner), each in its own JVM, run from
 * Flink's Maven jars, since its distribution tarball cannot be had here.
 *
 * <p>Everything lives in the data directory: {@code conf/} (config.yaml and log4j2.properties,
 * rewritten on each start), {@code log/} (NAME.log, Flink's log, shown by the web UI; NAME.out, the
 * JVM's stdout and stderr), {@code pid/} (one file per running process), {@code checkpoints/} and
 * {@code savepoints/} (kept across restarts), {@code tmp/}, {@code flink.env} (FLINK_MASTER and
 * FLINK_REST_URL while the cluster runs) and {@code ports} (so a restart on the same directory gets
 * the same REST port back).
 *
 * <p>Memory is sized for a small shared machine: by default each JVM's whole process is 1 GiB
 * (JobManager heap about 450 MiB; TaskManager heap about 380 MiB, no managed memory since the
 * hashmap state backend keeps state on the heap, 64 MiB of network buffers). The JVM flags are
 * computed from config.yaml by Flink's own BashJavaUtils, as its start scripts do.
 *
 * <p>Started with {@link FlinkClusterBuilder#watchParent(boolean) watchParent} (the default, for tests) every
 * JVM exits within a second after the JVM that started it is gone, even after kill -9; without it
 * (scripts/flink-cluster.sh) the processes run on until {@link RunningCluster#stop(Path)}.
 */
public final class FlinkCluster implements AutoCloseable {

  static final String JOBMANAGER_MAIN = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
  static final String TASKMANAGER_MAIN = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
  static final String JOBMANAGER = "jobmanager";
  public static final String HOST = Ports.HOST;

  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  static final String ENV_FILE = "flink.env";

  private final Path dataDir;
  private final int restPort;
  private final boolean watchParent;
  private final String classpath;
  private final FlinkJars.ResourceParams taskManagerParams;
  private final Member jobManager;
  private final FlinkRest rest;
  private final List<Member> taskManagers = new CopyOnWriteArrayList<>();
  private int lastTaskManager;

  FlinkCluster(Path dataDir, int restPort, boolean watchParent, String classpath,
      FlinkJars.ResourceParams taskManagerParams, Member jobManager) {
    this.dataDir = dataDir;
    this.restPort = restPort;
    this.watchParent = watchParent;
    this.classpath = classpath;
    this.taskManagerParams = taskManagerParams;
    this.jobManager = jobManager;
    this.rest = new FlinkRest(restUrl());
  }

  public static FlinkClusterBuilder builder(Path dataDir) {
    return new FlinkClusterBuilder(dataDir);
  }

  // ---------------------------------------------------------------- what tests and scripts use

  /** host:port of the REST API, what the Flink runner's --flinkMaster takes. */
  public String restAddress() {
    return HOST + ":" + restPort;
  }

  public String restUrl() {
    return "http://" + restAddress();
  }

  public int restPort() {
    return restPort;
  }

  public Path dataDir() {
    return dataDir;
  }

  public Member jobManager() {
    return jobManager;
  }

  /** The TaskManagers started by this object, in start order, killed ones included. */
  public List<Member> taskManagers() {
    return Collections.unmodifiableList(taskManagers);
  }

  /** Starts one more TaskManager and returns once it has registered with the JobManager. */
  public Member startTaskManager() {
    Member tm = launchTaskManager();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!rest.hasTaskManager(tm.name())) {
      tm.checkAlive();
      if (System.nanoTime() > deadline) {
        throw failure("TaskManager " + tm.name() + " did not register within " + START_TIMEOUT.toSeconds() + " s",
            tm.logFile());
      }
      sleep(200);
    }
    return tm;
  }

  /** The number of TaskManagers the JobManager counts as registered (a killed one until its heartbeat times out). */
  public int registeredTaskManagers() {
    return rest.registeredTaskManagers();
  }

  /** GET of a REST path (e.g. /overview); empty if the JobManager does not answer it with 200. */
  public Optional<String> get(String path) {
    return rest.get(path);
  }

  /** POST of a JSON body to a REST path (e.g. /jobs/ID/stop); empty if the answer is not 2xx. */
  public Optional<String> post(String path, String json) {
    return rest.post(path, json);
  }

  /** Stops every TaskManager and then the JobManager, each with SIGTERM, SIGKILL after 30 s. Returns once all are gone. */
  public void stop() {
    for (Member tm : taskManagers) {
      tm.stop();
    }
    jobManager.stop();
    PidFiles.deleteQuietly(dataDir.resolve(ENV_FILE));
  }

  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return "FlinkCluster[" + restUrl() + ", " + taskManagers.size() + " TaskManager(s), " + dataDir + "]";
  }

  // ---------------------------------------------------------------- one JVM of the cluster

  /** One JVM of the cluster: the JobManager or a TaskManager. */
  public static final class Member {
    private final String name;
    private final Process process;
    private final Path dataDir;

    private Member(String name, Process process, Path dataDir) {
      this.name = name;
      this.process = process;
      this.dataDir = dataDir;
    }

    static Member start(String name, Path dataDir, String classpath, boolean watchParent, List<String> jvmParams,
        String mainClass, List<String> dynamic) {
      Path log = dataDir.resolve("log").resolve(name + ".log");
      Path out = dataDir.resolve("log").resolve(name + ".out");
      List<String> jvm = new ArrayList<>(jvmParams);
      jvm.addAll(FlinkJvmOptions.JAVA17);
      jvm.add("-XX:+ExitOnOutOfMemoryError");
      jvm.add("-Dlog.file=" + log);
      jvm.add("-Dlog4j.configurationFile=" + dataDir.resolve("conf").resolve(ClusterConfig.LOG4J2));
      jvm.add(PidFiles.memberOption(name, dataDir));
      List<String> args = new ArrayList<>(List.of("--configDir", dataDir.resolve("conf").toString()));
      args.addAll(dynamic);
      // Without the watch, a session of its own: the process does not get the SIGHUP of the terminal that ran the script.
      List<String> command = JavaCommand.ofClassName(mainClass).classpath(classpath).jvmOptions(jvm).args(args)
          .watchParent(watchParent).ownSession(!watchParent).build();
      ProcessBuilder builder = new ProcessBuilder(command)
          .directory(dataDir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
      try {
        Process process = builder.start();
        PidFiles.write(dataDir, name, process.pid());
        return new Member(name, process, dataDir);
      } catch (IOException e) {
        throw new IllegalStateException("could not start the Flink " + name + " (" + JavaCommand.javaBinary() + "): "
            + e.getMessage(), e);
      }
    }

    /** jobmanager, or the TaskManager's resource id (tm-1, tm-2, ...): its id in the REST API. */
    public String name() {
      return name;
    }

    public long pid() {
      return process.pid();
    }

    public boolean isRunning() {
      return process.isAlive();
    }

    /** Flink's log of this process. */
    public Path logFile() {
      return dataDir.resolve("log").resolve(name + ".log");
    }

    /** kill -9: no shutdown hook, nothing flushed, for crash tests. Returns once the process is gone. */
    public void kill() {
      Processes.kill(process, STOP_TIMEOUT);
      PidFiles.delete(dataDir, name);
    }

    /** SIGTERM (Flink's shutdown hooks run), SIGKILL after 30 s. Returns once the process is gone. */
    public void stop() {
      Processes.stop(process, STOP_TIMEOUT, STOP_TIMEOUT);
      PidFiles.delete(dataDir, name);
    }

    void checkAlive() {
      if (!process.isAlive()) {
        throw failure("the Flink " + name + " exited with code " + process.exitValue(), logFile());
      }
    }

    @Override
    public String toString() {
      return name + "[pid " + process.pid() + "]";
    }
  }

  // ---------------------------------------------------------------- internals

  Member launchTaskManager() {
    String name = "tm-" + (++lastTaskManager);
    while (Files.exists(PidFiles.file(dataDir, name))) {
      name = "tm-" + (++lastTaskManager);
    }
    List<String> dynamic = new ArrayList<>(taskManagerParams.dynamic());
    dynamic.add("-D");
    dynamic.add("taskmanager.resource-id=" + name);
    Member tm = Member.start(name, dataDir, classpath, watchParent, taskManagerParams.jvm(), TASKMANAGER_MAIN,
        dynamic);
    taskManagers.add(tm);
    return tm;
  }

  void awaitRest() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (rest.get("/overview").isEmpty()) {
      jobManager.checkAlive();
      if (System.nanoTime() > deadline) {
        throw failure("the Flink JobManager's REST API did not answer on " + restUrl() + " within "
            + START_TIMEOUT.toSeconds() + " s", jobManager.logFile());
      }
      sleep(200);
    }
  }

  void awaitTaskManagers(int expected) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (registeredTaskManagers() < expected) {
      jobManager.checkAlive();
      for (Member tm : taskManagers) {
        tm.checkAlive();
      }
      if (System.nanoTime() > deadline) {
        throw failure(registeredTaskManagers() + " of " + expected + " TaskManagers registered within "
            + START_TIMEOUT.toSeconds() + " s", jobManager.logFile());
      }
      sleep(200);
    }
  }

  void writeEnvFile() {
    String env = "FLINK_MASTER=" + restAddress() + "\n" + "FLINK_REST_URL=" + restUrl() + "\n";
    try {
      Files.writeString(dataDir.resolve(ENV_FILE), env, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dataDir.resolve(ENV_FILE), e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the Flink cluster", e);
    }
  }

  static IllegalStateException failure(String what, Path log) {
    return new IllegalStateException(what + "; see " + log + "\n" + tail(log, 25));
  }

  private static String tail(Path file, int lines) {
    try {
      if (!Files.exists(file)) {
        return "(" + file + " does not exist)";
      }
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(could not read " + file + ")";
    }
  }

  static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
  }
}
