package io.candles.devservices;

import io.candles.process.JavaCommand;
import io.candles.process.Ports;
import io.candles.process.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Apache Kafka broker (the version of the root pom's kafka.broker.version) in KRaft mode, one
 * process being both broker and controller, running in a child JVM from its Maven jars.
 *
 * <p>Everything lives in the data directory: server.properties and log4j2.xml (rewritten on each start),
 * kraft-logs/ (the data), broker.log (the child's output, appended). A broker stopped or killed can be
 * started again on the same directory: it gets the same port back and keeps its topics and records.
 *
 * <p>The child runs under {@link io.candles.process.WatchParent}, so it exits within a second when this JVM dies,
 * even by kill -9.
 */
public final class KafkaBroker implements AutoCloseable {

  /** What kafka.server.KafkaRaftServer logs once the broker serves requests (KafkaBroker.STARTED_MESSAGE). */
  static final String STARTED_MESSAGE = "Kafka Server started";
  static final String LOG_FILE = "broker.log";
  static final int DEFAULT_PARTITIONS = 3;

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final int LOG_TAIL_LINES = 20;

  private final Path dataDir;
  private final int port;
  private final Process process;

  private KafkaBroker(Path dataDir, int port, Process process) {
    this.dataDir = dataDir;
    this.port = port;
    this.process = process;
  }

  /** Starts a broker in dataDir on the port of its last run there, else on a free port, with 3 partitions per new topic. */
  public static KafkaBroker start(Path dataDir) {
    return builder(dataDir).start();
  }

  /** Starts a broker in dataDir on the given port (0: the port of its last run there, else a free one). */
  public static KafkaBroker start(Path dataDir, int port) {
    return builder(dataDir).port(port).start();
  }

  public static Builder builder(Path dataDir) {
    return new Builder(dataDir);
  }

  /** Options of a broker start. */
  public static final class Builder {
    private final Path dataDir;
    private int port;
    private int partitions = DEFAULT_PARTITIONS;

    private Builder(Path dataDir) {
      this.dataDir = dataDir.toAbsolutePath().normalize();
    }

    /** The PLAINTEXT port; 0 (the default) keeps the port of the last run in this data directory, else picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0..65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /** num.partitions: the partitions of an auto-created topic, and of a created one that names none. Default 3. */
    public Builder partitions(int partitions) {
      if (partitions < 1) {
        throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
      }
      this.partitions = partitions;
      return this;
    }

    /** Starts the broker and returns once it accepts connections; IllegalStateException if it does not. */
    public KafkaBroker start() {
      return KafkaBroker.launch(dataDir, port, partitions);
    }
  }

  private static KafkaBroker launch(Path dataDir, int requestedPort, int partitions) {
    String classpath = BrokerClasspath.get();
    createDirectories(dataDir);
    BrokerConfig config = BrokerConfig.ports(dataDir, requestedPort);
    String hint = "stop what uses it (a broker still running from " + dataDir + "?) or choose another port";
    Ports.requireFree(config.port, "Kafka broker", hint);
    Ports.requireFree(config.controllerPort, "Kafka controller",
        "stop what uses it (a broker still running from " + dataDir + "?) or delete " + dataDir.resolve(
            BrokerConfig.SERVER_PROPERTIES) + " to pick new ports");
    config.writeServerProperties(dataDir, partitions);
    BrokerConfig.writeLog4j2(dataDir);

    Path log = dataDir.resolve(LOG_FILE);
    if (!Files.exists(dataDir.resolve(BrokerConfig.LOG_DIRS).resolve("meta.properties"))) {
      format(dataDir, classpath, log);
    }

    long logOffset = LogFiles.size(log);
    List<String> command = JavaCommand.ofClassName("kafka.Kafka").classpath(classpath)
        .jvmOptions(jvmOptions(dataDir, "-Xms256m", "-Xmx1g"))
        .args(List.of(dataDir.resolve(BrokerConfig.SERVER_PROPERTIES).toString())).build();
    Process process = startProcess(command, dataDir, log, "Kafka broker");
    KafkaBroker broker = new KafkaBroker(dataDir, config.port, process);
    broker.awaitReady(logOffset);
    return broker;
  }

  /** Formats the KRaft storage once, with a new cluster id: the broker refuses to start on unformatted storage. */
  private static void format(Path dataDir, String classpath, Path log) {
    List<String> command = JavaCommand.ofClassName("kafka.tools.StorageTool").classpath(classpath)
        .jvmOptions(jvmOptions(dataDir, "-Xmx256m"))
        .args(List.of("format", "-t", newClusterId(), "-c", dataDir.resolve(BrokerConfig.SERVER_PROPERTIES).toString()))
        .build();
    Process process = startProcess(command, dataDir, log, "Kafka storage format");
    try {
      if (!process.waitFor(FORMAT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        destroyAndWait(process);
        throw failure("Formatting the Kafka storage in " + dataDir + " did not finish within "
            + FORMAT_TIMEOUT.toSeconds() + " s", log);
      }
    } catch (InterruptedException e) {
      destroyAndWait(process);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while formatting the Kafka storage in " + dataDir, e);
    }
    if (process.exitValue() != 0) {
      throw failure("Formatting the Kafka storage in " + dataDir + " failed with exit code "
          + process.exitValue(), log);
    }
  }

  /** KRaft cluster ids are 16 random bytes in URL-safe base64 without padding (22 characters), like a UUID. */
  static String newClusterId() {
    SecureRandom random = new SecureRandom();
    byte[] bytes = new byte[16];
    while (true) {
      random.nextBytes(bytes);
      String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      // One id in 64 starts with '-', which kafka-storage's argument parser reads as an option
      // (Kafka's own Uuid.randomUuid draws again for the same reason).
      if (id.charAt(0) != '-') {
        return id;
      }
    }
  }

  private static List<String> jvmOptions(Path dataDir, String... memory) {
    List<String> options = new java.util.ArrayList<>(List.of(memory));
    options.add("-Dlog4j2.configurationFile=" + dataDir.resolve(BrokerConfig.LOG4J2_XML).toUri());
    options.add("-Djava.awt.headless=true");
    // A broker out of memory is better dead (the test sees it) than limping.
    options.add("-XX:+ExitOnOutOfMemoryError");
    return options;
  }

  private static Process startProcess(List<String> command, Path dataDir, Path log, String what) {
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(dataDir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    try {
      return builder.start();
    } catch (IOException e) {
      throw new IllegalStateException("Could not start the " + what + " process (" + JavaCommand.javaBinary()
          + "): " + e.getMessage(), e);
    }
  }

  /** Ready: the broker logged that it started (in this run: after logOffset) and its port accepts connections. */
  private void awaitReady(long logOffset) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    try {
      while (true) {
        if (!process.isAlive()) {
          throw failure("The Kafka broker in " + dataDir + " exited with code " + process.exitValue()
              + " during startup", logFile());
        }
        if (LogFiles.containsAfter(logFile(), logOffset, STARTED_MESSAGE) && Ports.accepts(port)) {
          return;
        }
        if (System.nanoTime() > deadline) {
          destroyAndWait(process);
          throw failure("The Kafka broker in " + dataDir + " did not start within "
              + START_TIMEOUT.toSeconds() + " s", logFile());
        }
        Thread.sleep(200);
      }
    } catch (InterruptedException e) {
      destroyAndWait(process);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the Kafka broker in " + dataDir, e);
    }
  }

  /** host:port for bootstrap.servers. */
  public String bootstrapServers() {
    return Ports.HOST + ":" + port;
  }

  public int port() {
    return port;
  }

  /** The PID of the broker's JVM. */
  public long pid() {
    return process.pid();
  }

  public boolean isRunning() {
    return process.isAlive();
  }

  /** The broker JVM's exit code once it has exited (137: killed by SIGKILL), -1 while it runs. */
  public int exitValue() {
    return process.isAlive() ? -1 : process.exitValue();
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The broker's output, appended across restarts. */
  public Path logFile() {
    return dataDir.resolve(LOG_FILE);
  }

  /**
   * Stops the broker cleanly: SIGTERM runs Kafka's shutdown hook (controlled shutdown, logs flushed and
   * closed); if it has not exited after 30 s it is killed. Returns once the process is gone.
   */
  public void stop() {
    Processes.stop(process, STOP_TIMEOUT, STOP_TIMEOUT);
  }

  /**
   * Kills the broker like kill -9 (no shutdown hook, nothing flushed), for crash tests. Returns once it is
   * gone. A restart on the same directory then takes about 10 s longer than after {@link #stop()}: the
   * controller keeps the killed broker's registration until broker.session.timeout.ms (9 s) has passed.
   */
  public void kill() {
    destroyAndWait(process);
  }

  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return "KafkaBroker[" + bootstrapServers() + ", pid " + process.pid() + ", " + dataDir + "]";
  }

  private static void destroyAndWait(Process process) {
    Processes.kill(process, STOP_TIMEOUT);
  }

  private static IllegalStateException failure(String what, Path log) {
    return new IllegalStateException(what + "; see " + log + "\n" + LogFiles.tail(log, LOG_TAIL_LINES));
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
  }
}
