package io.candles.flinkcluster;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Options of a cluster start: {@code FlinkCluster.builder(dataDir)...start()}. */
public final class FlinkClusterBuilder {
  private final Path dataDir;
  private int taskManagers = 1;
  private int slots = 2;
  private int restPort;
  private String jobManagerMemory = "1024m";
  private String taskManagerMemory = "1024m";
  private boolean watchParent = true;
  private final Map<String, String> extra = new LinkedHashMap<>();

  FlinkClusterBuilder(Path dataDir) {
    this.dataDir = dataDir.toAbsolutePath().normalize();
  }

  /** TaskManagers to start with (default 1); more can be added with {@link FlinkCluster#startTaskManager()}. */
  public FlinkClusterBuilder taskManagers(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("taskmanagers must be at least 0, was " + n);
    }
    this.taskManagers = n;
    return this;
  }

  /** taskmanager.numberOfTaskSlots (default 2): one slot runs one parallel instance of a job. */
  public FlinkClusterBuilder slotsPerTaskManager(int slots) {
    if (slots < 1) {
      throw new IllegalArgumentException("slots must be at least 1, was " + slots);
    }
    this.slots = slots;
    return this;
  }

  /** The REST and web UI port; 0 (the default) keeps the port of the last run in this directory, else a free one. */
  public FlinkClusterBuilder restPort(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, was " + port);
    }
    this.restPort = port;
    return this;
  }

  /** jobmanager.memory.process.size (default 1024m). */
  public FlinkClusterBuilder jobManagerMemory(String size) {
    this.jobManagerMemory = size;
    return this;
  }

  /** taskmanager.memory.process.size (default 1024m). */
  public FlinkClusterBuilder taskManagerMemory(String size) {
    this.taskManagerMemory = size;
    return this;
  }

  /** Whether the JVMs exit when this JVM is gone (default true); false for a cluster that outlives its starter. */
  public FlinkClusterBuilder watchParent(boolean watch) {
    this.watchParent = watch;
    return this;
  }

  /** Any other Flink setting for config.yaml; overrides the defaults written by {@link ClusterConfig}. */
  public FlinkClusterBuilder set(String key, String value) {
    extra.put(key, value);
    return this;
  }

  /** Starts the JobManager and the TaskManagers; returns once all TaskManagers have registered. */
  public FlinkCluster start() {
    return launch(this);
  }

  private static FlinkCluster launch(FlinkClusterBuilder b) {
    String classpath = FlinkJars.classpath();
    Path dir = b.dataDir;
    for (String sub : List.of("conf", "log", "pid", "checkpoints", "savepoints", "tmp")) {
      FlinkCluster.createDirectories(dir.resolve(sub));
    }
    List<String> running = RunningCluster.members(dir);
    if (!running.isEmpty()) {
      throw new IllegalStateException("a Flink cluster is already running from " + dir + " (" + String.join(", ", running)
          + "); stop it first: scripts/flink-cluster.sh stop --data-dir " + dir);
    }
    ClusterPorts ports = ClusterPorts.choose(dir, b.restPort);
    ClusterConfig config = new ClusterConfig(dir, ports.rest(), ports.rpc(), b.slots, b.jobManagerMemory,
        b.taskManagerMemory, b.extra);
    config.write();
    ports.save(dir);

    FlinkCluster.Member jobManager = null;
    FlinkCluster cluster = null;
    try {
      FlinkJars.ResourceParams jm = FlinkJars.resourceParams(classpath, dir, "GET_JM_RESOURCE_PARAMS");
      jobManager = FlinkCluster.Member.start(FlinkCluster.JOBMANAGER, dir, classpath, b.watchParent, jm.jvm(),
          FlinkCluster.JOBMANAGER_MAIN, jm.dynamic());
      // Flink computes the TaskManager's memory while the JobManager boots.
      FlinkJars.ResourceParams tm = FlinkJars.resourceParams(classpath, dir, "GET_TM_RESOURCE_PARAMS");
      cluster = new FlinkCluster(dir, ports.rest(), b.watchParent, classpath, tm, jobManager);
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
}
