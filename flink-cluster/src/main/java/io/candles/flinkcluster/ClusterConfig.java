package io.candles.flinkcluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * conf/config.yaml (Flink 1.19's standard-YAML configuration file) and conf/log4j2.properties of a
 * local session cluster. Each setting that is not plain plumbing says why it has its value.
 */
final class ClusterConfig {

  static final String CONFIG_YAML = "config.yaml";
  static final String LOG4J2 = "log4j2.properties";

  private final Path dataDir;
  private final Map<String, String> settings = new LinkedHashMap<>();
  private final Map<String, String> comments = new LinkedHashMap<>();

  ClusterConfig(Path dataDir, int restPort, int rpcPort, int slots, String jobManagerMemory,
      String taskManagerMemory, Map<String, String> extra) {
    this.dataDir = dataDir;
    Path conf = dataDir.resolve("conf");

    // Everything on the loopback interface of this machine.
    put("jobmanager.rpc.address", FlinkCluster.HOST, "Every process listens on loopback only.");
    put("jobmanager.rpc.port", Integer.toString(rpcPort), null);
    put("jobmanager.bind-host", FlinkCluster.HOST, null);
    put("taskmanager.bind-host", FlinkCluster.HOST, null);
    put("taskmanager.host", FlinkCluster.HOST, null);
    put("rest.address", FlinkCluster.HOST, null);
    put("rest.bind-address", FlinkCluster.HOST, null);
    put("rest.port", Integer.toString(restPort), "The REST API and web UI; what --flinkMaster points at.");
    put("web.submit.enable", "false",
        "No jar upload and run from the web UI or /jars: the REST API has no authentication, and the launcher "
            + "submits jobs through /jobs.");

    put("jobmanager.memory.process.size", jobManagerMemory,
        "A 2-core machine shared with Kafka and PostgreSQL: about 1 GiB per JVM.");
    put("taskmanager.memory.process.size", taskManagerMemory, null);
    put("taskmanager.memory.managed.size", "0m",
        "Managed memory serves RocksDB and batch operators; the hashmap backend keeps state on the heap.");
    put("taskmanager.numberOfTaskSlots", Integer.toString(slots),
        "One slot runs one parallel instance of the whole pipeline (slot sharing).");
    put("parallelism.default", "1", null);
    put("cluster.evenly-spread-out-slots", "true",
        "Spread a job's instances over the TaskManagers: losing one TaskManager then costs part of the job, "
            + "and its load is shared.");

    put("state.backend.type", "hashmap",
        "The candle state is small (an accumulator per pair and open window, Kafka offsets): the heap is fastest.");
    put("state.checkpoints.dir", conf.getParent().resolve("checkpoints").toUri().toString(),
        "Seen by every process of this machine; a real cluster needs a shared file system or object store.");
    put("state.savepoints.dir", conf.getParent().resolve("savepoints").toUri().toString(), null);
    put("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION",
        "A cancelled job can be resumed from its last checkpoint.");

    put("restart-strategy.type", "exponential-delay",
        "Lost TaskManagers and service outages are transient: retry without limit, 1 s doubling to 30 s.");
    put("restart-strategy.exponential-delay.initial-backoff", "1 s", null);
    put("restart-strategy.exponential-delay.max-backoff", "30 s", null);
    put("restart-strategy.exponential-delay.backoff-multiplier", "2.0", null);
    put("restart-strategy.exponential-delay.reset-backoff-threshold", "10 min", null);
    put("restart-strategy.exponential-delay.jitter-factor", "0.1", null);
    put("heartbeat.interval", "2000",
        "A TaskManager that dies is noticed within seconds (two failed heartbeat RPCs), not after 50 s.");
    put("heartbeat.timeout", "20000", null);

    put("execution.buffer-timeout.interval", "10 ms",
        "Flush network buffers after at most 10 ms (default 100 ms per exchange): latency over batching.");

    put("classloader.check-leaked-classloader", "false",
        "Beam's runner keeps references to the job class loader after a job ends (Beam issue 20783).");
    put("io.tmp.dirs", conf.getParent().resolve("tmp").toString(), null);
    put("web.tmpdir", conf.getParent().resolve("tmp").resolve("web").toString(), null);
    put("blob.storage.directory", conf.getParent().resolve("tmp").resolve("blobs").toString(), null);
    put("web.log.path", conf.getParent().resolve("log").resolve("jobmanager.log").toString(), null);
    // No taskmanager.log.path: Flink reads it as the log *file*, and serves every file in its directory
    // (the web UI's log list); each TaskManager's -Dlog.file is the right one.

    for (Map.Entry<String, String> e : extra.entrySet()) {
      put(e.getKey(), e.getValue(), "Set by the caller.");
    }
  }

  private void put(String key, String value, String comment) {
    settings.put(key, value);
    if (comment != null) {
      comments.put(key, comment);
    } else {
      comments.remove(key);
    }
  }

  void write() {
    StringBuilder yaml = new StringBuilder("# Written by io.candles.flinkcluster.FlinkCluster on each start; edits are lost.\n");
    for (Map.Entry<String, String> e : settings.entrySet()) {
      String comment = comments.get(e.getKey());
      if (comment != null) {
        yaml.append("# ").append(comment).append('\n');
      }
      yaml.append(e.getKey()).append(": ").append(quote(e.getValue())).append('\n');
    }
    String log4j = String.join("\n",
        "# Written by io.candles.flinkcluster.FlinkCluster. Each process logs to the file in -Dlog.file,",
        "# which the web UI shows.",
        "monitorInterval = 30",
        "rootLogger.level = INFO",
        "rootLogger.appenderRef.file.ref = MainAppender",
        "appender.main.name = MainAppender",
        "appender.main.type = File",
        "appender.main.append = true",
        "appender.main.fileName = ${sys:log.file}",
        "appender.main.layout.type = PatternLayout",
        "appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n",
        "logger.pekko.name = org.apache.pekko",
        "logger.pekko.level = WARN",
        "logger.kafka.name = org.apache.kafka",
        "logger.kafka.level = WARN",
        "logger.beamkafka.name = org.apache.beam.sdk.io.kafka",
        "logger.beamkafka.level = WARN",
        "logger.metrics.name = org.apache.flink.metrics.MetricGroup",
        "logger.metrics.level = ERROR",
        "logger.lineage.name = org.apache.beam.sdk.metrics.MetricsEnvironment",
        "logger.lineage.level = OFF",
        "");
    Path conf = dataDir.resolve("conf");
    try {
      Files.writeString(conf.resolve(CONFIG_YAML), yaml.toString(), StandardCharsets.UTF_8);
      Files.writeString(conf.resolve(LOG4J2), log4j, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the Flink configuration in " + conf, e);
    }
  }

  /** A YAML scalar: plain when safe, else single-quoted. */
  static String quote(String value) {
    if (value.matches("[A-Za-z0-9_./:\\- ]+") && !value.startsWith(" ") && !value.endsWith(" ")
        && !value.contains(": ") && !value.matches("(?i)true|false|yes|no|on|off|null|~")) {
      return value;
    }
    if (value.matches("(?i)true|false")) {
      return value.toLowerCase();
    }
    return "'" + value.replace("'", "''") + "'";
  }

  Map<String, String> settings() {
    return settings;
  }
}
