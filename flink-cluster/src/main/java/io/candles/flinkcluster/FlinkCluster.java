package io.candles.flinkcluster;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * <p>Started with {@link Builder#watchParent(boolean) watchParent} (the default, for tests) every
 * JVM exits within a second after the JVM that started it is gone, even after kill -9; without it
 * (scripts/flink-cluster.sh) the processes run on until {@link #stopRunning(Path)}.
 */
public final class FlinkCluster implements AutoCloseable {

  static final String JOBMANAGER_MAIN = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
  static final String TASKMANAGER_MAIN = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
  static final String BASH_JAVA_UTILS = "org.apache.flink.runtime.util.bash.BashJavaUtils";
  static final String CLASSPATH_RESOURCE = "flink-cluster.classpath";
  static final String JOBMANAGER = "jobmanager";
  public static final String HOST = "127.0.0.1";

  /**
   * What Flink's distribution puts in env.java.opts.all for Java 17: Flink (Kryo, its closure
   * cleaner, its network stack) reflects into these JDK packages.
   */
  public static final List<String> JAVA17_OPTIONS = List.of(
      "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
      "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
      "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
      "--add-opens=java.base/java.lang=ALL-UNNAMED",
      "--add-opens=java.base/java.net=ALL-UNNAMED",
      "--add-opens=java.base/java.io=ALL-UNNAMED",
      "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
      "--add-opens=java.base/java.text=ALL-UNNAMED",
      "--add-opens=java.base/java.time=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern TASKMANAGERS = Pattern.compile("\"taskmanagers\"\\s*:\\s*(\\d+)");
  private static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";

  private final Path dataDir;
  private final int restPort;
  private final boolean watchParent;
  private final String classpath;
  private final List<String> taskManagerJvm;
  private final List<String> taskManagerDynamic;
  private final Member jobManager;
  private final List<Member> taskManagers = new CopyOnWriteArrayList<>();
  private int lastTaskManager;

  private FlinkCluster(Path dataDir, int restPort, boolean watchParent, String classpath,
      List<String> taskManagerJvm, List<String> taskManagerDynamic, Member jobManager) {
    this.dataDir = dataDir;
    this.restPort = restPort;
    this.watchParent = watchParent;
    this.classpath = classpath;
    this.taskManagerJvm = taskManagerJvm;
    this.taskManagerDynamic = taskManagerDynamic;
    this.jobManager = jobManager;
  }

  public static Builder builder(Path dataDir) {
    return new Builder(dataDir);
  }

  /** Options of a cluster start. */
  public static final class Builder {
    private final Path dataDir;
    private int taskManagers = 1;
    private int slots = 2;
    private int restPort;
    private String jobManagerMemory = "1024m";
    private String taskManagerMemory = "1024m";
    private boolean watchParent = true;
    private final Map<String, String> extra = new LinkedHashMap<>();

    private Builder(Path dataDir) {
      this.dataDir = dataDir.toAbsolutePath().normalize();
    }

    /** TaskManagers to start with (default 1); more can be added with {@link #startTaskManager()}. */
    public Builder taskManagers(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("taskmanagers must be at least 0, was " + n);
      }
      this.taskManagers = n;
      return this;
    }

    /** taskmanager.numberOfTaskSlots (default 2): one slot runs one parallel instance of a job. */
    public Builder slotsPerTaskManager(int slots) {
      if (slots < 1) {
        throw new IllegalArgumentException("slots must be at least 1, was " + slots);
      }
      this.slots = slots;
      return this;
    }

    /** The REST and web UI port; 0 (the default) keeps the port of the last run in this directory, else a free one. */
    public Builder restPort(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0..65535, was " + port);
      }
      this.restPort = port;
      return this;
    }

    /** jobmanager.memory.process.size (default 1024m). */
    public Builder jobManagerMemory(String size) {
      this.jobManagerMemory = size;
      return this;
    }

    /** taskmanager.memory.process.size (default 1024m). */
    public Builder taskManagerMemory(String size) {
      this.taskManagerMemory = size;
      return this;
    }

    /** Whether the JVMs exit when this JVM is gone (default true); false for a cluster that outlives its starter. */
    public Builder watchParent(boolean watch) {
      this.watchParent = watch;
      return this;
    }

    /** Any other Flink setting for config.yaml; overrides the defaults written by {@link ClusterConfig}. */
    public Builder set(String key, String value) {
      extra.put(key, value);
      return this;
    }

    /** Starts the JobManager and the TaskManagers; returns once all TaskManagers have registered. */
    public FlinkCluster start() {
      return FlinkCluster.launch(this);
    }
  }

  private static FlinkCluster launch(Builder b) {
    String classpath = classpath();
    Path dir = b.dataDir;
    for (String sub : List.of("conf", "log", "pid", "checkpoints", "savepoints", "tmp")) {
      createDirectories(dir.resolve(sub));
    }
    List<String> running = runningMembers(dir);
    if (!running.isEmpty()) {
      throw new IllegalStateException("a Flink cluster is already running from " + dir + " (" + String.join(", ", running)
          + "); stop it first: scripts/flink-cluster.sh stop --data-dir " + dir);
    }
    Ports ports = Ports.choose(dir, b.restPort);
    ClusterConfig config = new ClusterConfig(dir, ports.rest, ports.rpc, b.slots, b.jobManagerMemory,
        b.taskManagerMemory, b.extra);
    config.write();
    ports.save(dir);

    Member jobManager = null;
    FlinkCluster cluster = null;
    try {
      List<List<String>> jm = resourceParams(classpath, dir, "GET_JM_RESOURCE_PARAMS");
      jobManager = Member.start(JOBMANAGER, dir, classpath, b.watchParent, jm.get(0), JOBMANAGER_MAIN, jm.get(1));
      // Flink computes the TaskManager's memory while the JobManager boots.
      List<List<String>> tm = resourceParams(classpath, dir, "GET_TM_RESOURCE_PARAMS");
      cluster = new FlinkCluster(dir, ports.rest, b.watchParent, classpath, tm.get(0), tm.get(1), jobManager);
      cluster.awaitRest();
      for (int i = 0; i < b.taskManagers; i++) {
        cluster.launchTaskManager();
      }
      cluster.awaitTaskManagers(b.taskManagers);
      cluster.writeEnvFile();
      return cluster;
    } catch (RuntimeException e) {
      if (cluster != null) {
        cluster.stop();
      } else if (jobManager != null) {
        jobManager.stop();
      }
      throw e;
    }
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
    while (!get("/taskmanagers").orElse("").contains("\"id\":\"" + tm.name() + "\"")) {
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
    return get("/overview").map(FlinkCluster::taskManagerCount).orElse(-1);
  }

  /** GET of a REST path (e.g. /overview); empty if the JobManager does not answer it with 200. */
  public Optional<String> get(String path) {
    return request(HttpRequest.newBuilder(URI.create(restUrl() + path)).GET());
  }

  /** POST of a JSON body to a REST path (e.g. /jobs/ID/stop); empty if the answer is not 2xx. */
  public Optional<String> post(String path, String json) {
    return request(HttpRequest.newBuilder(URI.create(restUrl() + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  /** Stops every TaskManager and then the JobManager, each with SIGTERM, SIGKILL after 30 s. Returns once all are gone. */
  public void stop() {
    for (Member tm : taskManagers) {
      tm.stop();
    }
    jobManager.stop();
    deleteQuietly(dataDir.resolve(ENV_FILE));
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
      List<String> command = new ArrayList<>();
      if (!watchParent && Files.isExecutable(Paths.get("/usr/bin/setsid"))) {
        // A session of its own: the process does not get the SIGHUP of the terminal that ran the script.
        command.add("/usr/bin/setsid");
      }
      command.add(javaBinary());
      command.addAll(jvmParams);
      command.addAll(JAVA17_OPTIONS);
      command.add("-XX:+ExitOnOutOfMemoryError");
      command.add("-Dlog.file=" + log);
      command.add("-Dlog4j.configurationFile=" + dataDir.resolve("conf").resolve(ClusterConfig.LOG4J2));
      // Lets stopRunning() tell this process from another that got its PID.
      command.add("-Dcandles.flink.member=" + name + "@" + dataDir);
      command.add("-cp");
      command.add(classpath);
      command.add(WatchParent.class.getName());
      command.add(watchParent ? Long.toString(ProcessHandle.current().pid()) : "none");
      command.add(mainClass);
      command.add("--configDir");
      command.add(dataDir.resolve("conf").toString());
      command.addAll(dynamic);
      ProcessBuilder builder = new ProcessBuilder(command)
          .directory(dataDir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
      try {
        Process process = builder.start();
        Files.writeString(pidFile(dataDir, name), process.pid() + "\n", StandardCharsets.UTF_8);
        return new Member(name, process, dataDir);
      } catch (IOException e) {
        throw new IllegalStateException("could not start the Flink " + name + " (" + javaBinary() + "): "
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
      process.destroyForcibly();
      waitFor(process, STOP_TIMEOUT);
      deleteQuietly(pidFile(dataDir, name));
    }

    /** SIGTERM (Flink's shutdown hooks run), SIGKILL after 30 s. Returns once the process is gone. */
    public void stop() {
      if (process.isAlive()) {
        process.destroy();
        if (!waitFor(process, STOP_TIMEOUT)) {
          process.destroyForcibly();
          waitFor(process, STOP_TIMEOUT);
        }
      }
      deleteQuietly(pidFile(dataDir, name));
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

  // ---------------------------------------------------------------- a cluster started by another JVM

  static final String ENV_FILE = "flink.env";

  /** The members of a cluster of this data directory that are running, as "name (pid N)". */
  public static List<String> runningMembers(Path dataDir) {
    List<String> running = new ArrayList<>();
    for (Map.Entry<String, ProcessHandle> e : runningHandles(dataDir.toAbsolutePath().normalize()).entrySet()) {
      running.add(e.getKey() + " (pid " + e.getValue().pid() + ")");
    }
    return running;
  }

  /**
   * Stops the cluster of this data directory that another JVM started (from the pid files, checking
   * that each PID is still that process): TaskManagers first, then the JobManager; SIGTERM, SIGKILL
   * after 30 s. Returns the names of the processes it stopped.
   */
  public static List<String> stopRunning(Path dataDir) {
    Path dir = dataDir.toAbsolutePath().normalize();
    Map<String, ProcessHandle> running = runningHandles(dir);
    List<String> stopped = new ArrayList<>();
    List<String> order = new ArrayList<>(running.keySet());
    order.remove(JOBMANAGER);
    if (running.containsKey(JOBMANAGER)) {
      order.add(JOBMANAGER);
    }
    for (String name : order) {
      ProcessHandle p = running.get(name);
      p.destroy();
      try {
        p.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } catch (Exception e) {
        p.destroyForcibly();
        try {
          p.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception ignored) {
          // Reported by the caller's next status.
        }
      }
      deleteQuietly(pidFile(dir, name));
      stopped.add(name + " (pid " + p.pid() + ")");
    }
    deleteStalePidFiles(dir);
    deleteQuietly(dir.resolve(ENV_FILE));
    return stopped;
  }

  /** Reads the REST port of the last start in this data directory, if any. */
  public static Optional<Integer> lastRestPort(Path dataDir) {
    return Ports.read(dataDir.toAbsolutePath().normalize()).map(p -> p.rest);
  }

  private static Map<String, ProcessHandle> runningHandles(Path dir) {
    Map<String, ProcessHandle> running = new LinkedHashMap<>();
    Path pids = dir.resolve("pid");
    if (!Files.isDirectory(pids)) {
      return running;
    }
    try (var files = Files.list(pids)) {
      for (Path f : (Iterable<Path>) files.sorted()::iterator) {
        String file = f.getFileName().toString();
        if (!file.endsWith(".pid")) {
          continue;
        }
        String name = file.substring(0, file.length() - 4);
        try {
          long pid = Long.parseLong(Files.readString(f, StandardCharsets.UTF_8).trim());
          Optional<ProcessHandle> handle = ProcessHandle.of(pid);
          if (handle.isPresent() && handle.get().isAlive() && isMember(pid, name, dir)) {
            running.put(name, handle.get());
          }
        } catch (IOException | NumberFormatException e) {
          // A pid file being written or garbage: not a running member.
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + pids, e);
    }
    return running;
  }

  /** Whether the process's command line says it is this member of this data directory's cluster. */
  private static boolean isMember(long pid, String name, Path dir) {
    try {
      byte[] raw = Files.readAllBytes(Paths.get("/proc", Long.toString(pid), "cmdline"));
      return List.of(new String(raw, StandardCharsets.UTF_8).split("\0"))
          .contains("-Dcandles.flink.member=" + name + "@" + dir);
    } catch (IOException e) {
      return false;
    }
  }

  private static void deleteStalePidFiles(Path dir) {
    Map<String, ProcessHandle> running = runningHandles(dir);
    try (var files = Files.list(dir.resolve("pid"))) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String file = f.getFileName().toString();
        if (file.endsWith(".pid") && !running.containsKey(file.substring(0, file.length() - 4))) {
          deleteQuietly(f);
        }
      }
    } catch (IOException e) {
      // Nothing to clean.
    }
  }

  // ---------------------------------------------------------------- internals

  private Member launchTaskManager() {
    String name = "tm-" + (++lastTaskManager);
    while (Files.exists(pidFile(dataDir, name))) {
      name = "tm-" + (++lastTaskManager);
    }
    List<String> dynamic = new ArrayList<>(taskManagerDynamic);
    dynamic.add("-D");
    dynamic.add("taskmanager.resource-id=" + name);
    Member tm = Member.start(name, dataDir, classpath, watchParent, taskManagerJvm, TASKMANAGER_MAIN, dynamic);
    taskManagers.add(tm);
    return tm;
  }

  private void awaitRest() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (get("/overview").isEmpty()) {
      jobManager.checkAlive();
      if (System.nanoTime() > deadline) {
        throw failure("the Flink JobManager's REST API did not answer on " + restUrl() + " within "
            + START_TIMEOUT.toSeconds() + " s", jobManager.logFile());
      }
      sleep(200);
    }
  }

  private void awaitTaskManagers(int expected) {
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

  private void writeEnvFile() {
    String env = "FLINK_MASTER=" + restAddress() + "\n" + "FLINK_REST_URL=" + restUrl() + "\n";
    try {
      Files.writeString(dataDir.resolve(ENV_FILE), env, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dataDir.resolve(ENV_FILE), e);
    }
  }

  static int taskManagerCount(String overview) {
    Matcher m = TASKMANAGERS.matcher(overview);
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private static Optional<String> request(HttpRequest.Builder request) {
    try {
      HttpResponse<String> r = HTTP.send(request.timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() / 100 == 2 ? Optional.of(r.body()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /**
   * The JVM flags and the dynamic memory settings for a JobManager or TaskManager, computed from
   * config.yaml by Flink's BashJavaUtils, exactly as Flink's jobmanager.sh and taskmanager.sh do.
   */
  static List<List<String>> resourceParams(String classpath, Path dataDir, String command) {
    List<String> cmd = List.of(javaBinary(), "-Xmx128m", "-cp", classpath, BASH_JAVA_UTILS, command,
        "--configDir", dataDir.resolve("conf").toString());
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("Flink's BashJavaUtils " + command + " failed for " + dataDir.resolve("conf")
            + ":\n" + out);
      }
      List<String> results = new ArrayList<>();
      for (String line : out.split("\n")) {
        if (line.startsWith(RESULT_PREFIX)) {
          results.add(line.substring(RESULT_PREFIX.length()).trim());
        }
      }
      if (results.size() < 2) {
        throw new IllegalStateException("unexpected output of Flink's BashJavaUtils " + command + ":\n" + out);
      }
      // The last two result lines: JVM flags, then "-D key=value" pairs.
      List<String> jvm = split(results.get(results.size() - 2));
      List<String> dynamic = split(results.get(results.size() - 1));
      return List.of(jvm, dynamic);
    } catch (IOException e) {
      throw new IllegalStateException("could not run Flink's BashJavaUtils: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while computing Flink's memory settings", e);
    }
  }

  private static List<String> split(String s) {
    List<String> parts = new ArrayList<>();
    for (String p : s.trim().split("\\s+")) {
      if (!p.isEmpty()) {
        parts.add(p);
      }
    }
    return parts;
  }

  /** Flink's jars (listed by this module's build) and this module's own classes, for WatchParent. */
  static String classpath() {
    String flink;
    try (InputStream in = FlinkCluster.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the Flink classpath (resource io/candles/flinkcluster/" + CLASSPATH_RESOURCE
            + ") is missing; build the module first: mvn -pl flink-cluster -am package -DskipTests");
      }
      flink = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String entry : flink.split(File.pathSeparator)) {
      if (!Files.exists(Paths.get(entry))) {
        throw new IllegalStateException("the Flink jar " + entry + " is missing; rebuild: mvn -pl flink-cluster -am "
            + "package -DskipTests");
      }
    }
    return flink + File.pathSeparator + ownLocation();
  }

  private static Path ownLocation() {
    try {
      return Paths.get(FlinkCluster.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the flink-cluster classes: " + e.getMessage(), e);
    }
  }

  static String javaBinary() {
    return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static Path pidFile(Path dataDir, String name) {
    return dataDir.resolve("pid").resolve(name + ".pid");
  }

  private static boolean waitFor(Process p, Duration timeout) {
    try {
      return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !p.isAlive();
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

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // Only bookkeeping.
    }
  }

  /** The REST and RPC ports of a data directory, kept across restarts in the file 'ports'. */
  static final class Ports {
    final int rest;
    final int rpc;

    private Ports(int rest, int rpc) {
      this.rest = rest;
      this.rpc = rpc;
    }

    static Ports choose(Path dir, int requestedRest) {
      Optional<Ports> last = read(dir);
      int rest = requestedRest != 0 ? requestedRest : last.map(p -> p.rest).filter(Ports::isFree).orElse(0);
      if (rest == 0) {
        rest = free();
      } else if (!isFree(rest)) {
        throw new IllegalStateException("the Flink REST port " + HOST + ":" + rest + " is already in use; stop what "
            + "uses it or choose another port (--rest-port)");
      }
      int rpc = last.map(p -> p.rpc).filter(p -> isFree(p)).orElse(0);
      if (rpc == 0 || rpc == rest) {
        rpc = free();
      }
      return new Ports(rest, rpc);
    }

    static Optional<Ports> read(Path dir) {
      Path file = dir.resolve("ports");
      try {
        if (!Files.exists(file)) {
          return Optional.empty();
        }
        Map<String, Integer> values = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          String[] kv = line.split("=", 2);
          if (kv.length == 2) {
            values.put(kv[0].trim(), Integer.parseInt(kv[1].trim()));
          }
        }
        return values.containsKey("rest") && values.containsKey("rpc")
            ? Optional.of(new Ports(values.get("rest"), values.get("rpc"))) : Optional.empty();
      } catch (IOException | NumberFormatException e) {
        return Optional.empty();
      }
    }

    void save(Path dir) {
      try {
        Files.writeString(dir.resolve("ports"), "rest=" + rest + "\nrpc=" + rpc + "\n", StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + dir.resolve("ports"), e);
      }
    }

    static int free() {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
        return s.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException("could not find a free port on " + HOST, e);
      }
    }

    static boolean isFree(int port) {
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getByName(HOST), port), 1);
        return true;
      } catch (IOException e) {
        return false;
      }
    }
  }
}
