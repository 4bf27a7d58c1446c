package io.candles.flinkcluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A cluster of a data directory that another JVM started (scripts/flink-cluster.sh), found by its pid files. */
public final class RunningCluster {

  private RunningCluster() {}

  /** The members of a cluster of this data directory that are running, as "name (pid N)". */
  public static List<String> members(Path dataDir) {
    List<String> running = new ArrayList<>();
    for (Map.Entry<String, ProcessHandle> e : PidFiles.running(dataDir.toAbsolutePath().normalize()).entrySet()) {
      running.add(e.getKey() + " (pid " + e.getValue().pid() + ")");
    }
    return running;
  }

  /**
   * Stops the cluster of this data directory that another JVM started (from the pid files, checking
   * that each PID is still that process): TaskManagers first, then the JobManager; SIGTERM, SIGKILL
   * after 30 s. Returns the names of the processes it stopped.
   */
  public static List<String> stop(Path dataDir) {
    Path dir = dataDir.toAbsolutePath().normalize();
    Map<String, ProcessHandle> running = PidFiles.running(dir);
    List<String> stopped = new ArrayList<>();
    List<String> order = new ArrayList<>(running.keySet());
    order.remove(FlinkCluster.JOBMANAGER);
    if (running.containsKey(FlinkCluster.JOBMANAGER)) {
      order.add(FlinkCluster.JOBMANAGER);
    }
    for (String name : order) {
      ProcessHandle p = running.get(name);
      p.destroy();
      try {
        p.onExit().get(FlinkCluster.STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } catch (Exception e) {
        p.destroyForcibly();
        try {
          p.onExit().get(FlinkCluster.STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception ignored) {
          // Reported by the caller's next status.
        }
      }
      PidFiles.delete(dir, name);
      stopped.add(name + " (pid " + p.pid() + ")");
    }
    PidFiles.deleteStale(dir);
    PidFiles.deleteQuietly(dir.resolve(FlinkCluster.ENV_FILE));
    return stopped;
  }

  /** Reads the REST port of the last start in this data directory, if any. */
  public static Optional<Integer> lastRestPort(Path dataDir) {
    return ClusterPorts.read(dataDir.toAbsolutePath().normalize()).map(ClusterPorts::rest);
  }
}
