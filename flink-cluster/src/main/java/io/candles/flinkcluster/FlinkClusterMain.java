package io.candles.flinkcluster;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Optional;

/**
 * What scripts/flink-cluster.sh runs: starts a session cluster whose processes outlive this JVM,
 * stops it, or tells whether it runs.
 *
 * <p>Exit status: 0 on success (status: running), 1 on failure (status: not running), 2 for bad
 * arguments.
 */
public final class FlinkClusterMain {

  private static final String USAGE = String.join("\n",
      "usage: scripts/flink-cluster.sh start|stop|status [--data-dir DIR] [--taskmanagers N] [--slots N]",
      "                                [--rest-port N] [--tm-memory SIZE] [--jm-memory SIZE]",
      "",
      "  start   a JobManager (REST API and web UI on a printed port) and N TaskManagers, each its own JVM",
      "  stop    stops them: TaskManagers, then the JobManager (SIGTERM; SIGKILL after 30 s)",
      "  status  which processes run, and what the JobManager reports",
      "",
      "  --data-dir DIR    configuration, logs, checkpoints and savepoints (default: .flink-cluster in the repository)",
      "  --taskmanagers N  TaskManagers to start (default 2)",
      "  --slots N         slots per TaskManager (default 2)",
      "  --rest-port N     REST and web UI port (default: the port of the last start in DIR, else a free one)",
      "  --tm-memory SIZE  taskmanager.memory.process.size (default 1024m)",
      "  --jm-memory SIZE  jobmanager.memory.process.size (default 1024m)");

  private FlinkClusterMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    if (args.length == 0 || List.of("-h", "--help", "help").contains(args[0])) {
      System.out.println(USAGE);
      return args.length == 0 ? 2 : 0;
    }
    String command = args[0];
    Path dataDir = null;
    int taskManagers = 2;
    int slots = 2;
    int restPort = 0;
    String tmMemory = "1024m";
    String jmMemory = "1024m";
    try {
      for (int i = 1; i < args.length; i++) {
        String a = args[i];
        if (a.equals("-h") || a.equals("--help")) {
          System.out.println(USAGE);
          return 0;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(a.startsWith("--") ? a + " needs a value" : "unknown argument: " + a);
        }
        String v = args[++i];
        switch (a) {
          case "--data-dir" -> dataDir = Paths.get(v).toAbsolutePath().normalize();
          case "--taskmanagers" -> taskManagers = positive(a, v, 0);
          case "--slots" -> slots = positive(a, v, 1);
          case "--rest-port" -> restPort = positive(a, v, 0);
          case "--tm-memory" -> tmMemory = v;
          case "--jm-memory" -> jmMemory = v;
          default -> throw new IllegalArgumentException("unknown argument: " + a);
        }
      }
      if (dataDir == null) {
        throw new IllegalArgumentException("--data-dir is required");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("flink-cluster: " + e.getMessage() + " (see --help)");
      return 2;
    }
    switch (command) {
      case "start":
        return start(dataDir, taskManagers, slots, restPort, tmMemory, jmMemory);
      case "stop":
        return stop(dataDir);
      case "status":
        return status(dataDir);
      default:
        System.err.println("flink-cluster: unknown command " + command + " (see --help)");
        return 2;
    }
  }

  private static int start(Path dataDir, int taskManagers, int slots, int restPort, String tmMemory,
      String jmMemory) {
    List<String> running = RunningCluster.members(dataDir);
    if (!running.isEmpty()) {
      System.out.println("A Flink cluster is already running from " + dataDir + ": " + String.join(", ", running));
      return status(dataDir);
    }
    FlinkCluster cluster;
    try {
      cluster = FlinkCluster.builder(dataDir).taskManagers(taskManagers).slotsPerTaskManager(slots)
          .restPort(restPort).taskManagerMemory(tmMemory).jobManagerMemory(jmMemory).watchParent(false).start();
    } catch (RuntimeException e) {
      System.err.println("flink-cluster: the cluster did not start: " + e.getMessage());
      return 1;
    }
    System.out.println("Flink session cluster running from " + dataDir + ":");
    System.out.println("  JobManager  pid " + cluster.jobManager().pid() + ", web UI and REST API: " + cluster.restUrl());
    for (FlinkCluster.Member tm : cluster.taskManagers()) {
      System.out.println("  TaskManager " + tm.name() + " pid " + tm.pid() + ", " + slots + " slot(s)");
    }
    System.out.println("  logs        " + dataDir.resolve("log"));
    System.out.println("Submit the pipeline with: java -jar runners/target/candles-pipeline.jar --runner=FlinkRunner "
        + "--flinkMaster=" + cluster.restAddress() + " ...");
    System.out.println("FLINK_MASTER=" + cluster.restAddress());
    return 0;
  }

  private static int stop(Path dataDir) {
    List<String> stopped = RunningCluster.stop(dataDir);
    if (stopped.isEmpty()) {
      System.out.println("No Flink cluster is running from " + dataDir);
    } else {
      System.out.println("Stopped " + String.join(", ", stopped));
    }
    return 0;
  }

  private static int status(Path dataDir) {
    List<String> running = RunningCluster.members(dataDir);
    if (running.isEmpty()) {
      System.out.println("No Flink cluster is running from " + dataDir);
      return 1;
    }
    System.out.println("Running from " + dataDir + ": " + String.join(", ", running));
    Optional<Integer> port = RunningCluster.lastRestPort(dataDir);
    if (port.isPresent()) {
      String url = "http://" + FlinkCluster.HOST + ":" + port.get();
      Optional<String> overview = RestProbe.get(url + "/overview");
      System.out.println("REST API and web UI: " + url);
      System.out.println("overview: " + overview.orElse("(the JobManager does not answer)"));
      System.out.println("FLINK_MASTER=" + FlinkCluster.HOST + ":" + port.get());
    }
    return running.stream().anyMatch(r -> r.startsWith(FlinkCluster.JOBMANAGER)) ? 0 : 1;
  }

  private static int positive(String name, String value, int min) {
    try {
      int n = Integer.parseInt(value);
      if (n < min) {
        throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, was " + value);
    }
  }

  /** A GET without a cluster object. */
  static final class RestProbe {
    private RestProbe() {}

    static Optional<String> get(String url) {
      try {
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                .timeout(java.time.Duration.ofSeconds(5)).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? Optional.of(r.body()) : Optional.empty();
      } catch (java.io.IOException e) {
        return Optional.empty();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
  }
}
