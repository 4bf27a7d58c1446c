package io.candles.devservices;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts the Kafka broker and PostgreSQL for a local run, writes their addresses to DIR/services.env and
 * runs until SIGTERM or SIGINT, when it stops both cleanly and deletes services.env. scripts/services.sh
 * runs it in the background.
 *
 * <p>Exit status: 1 when a service fails to start or dies, 2 for bad arguments; after SIGTERM or SIGINT
 * the JVM's usual 143 or 130, once both services are stopped.
 */
public final class DevServices {

  static final String ENV_FILE = "services.env";

  private static final String USAGE = String.join("\n",
      "usage: java -cp ... io.candles.devservices.DevServices --data-dir DIR [--kafka-port N] [--pg-port N]",
      "       [--pg-setting NAME=VALUE ...]",
      "",
      "Starts a Kafka broker (data in DIR/kafka) and PostgreSQL (data in DIR/postgres), writes",
      "DIR/services.env (BOOTSTRAP_SERVERS, JDBC_URL, JDBC_USER, JDBC_PASSWORD, DEVSERVICES_PID) and runs",
      "until SIGTERM/SIGINT, then stops both and deletes services.env.",
      "",
      "  --data-dir DIR   where the services keep their data and logs (required)",
      "  --kafka-port N   the broker's port; default: the port of the last run in DIR, else a free one",
      "  --pg-port N      PostgreSQL's port; default: the port of the last run in DIR, else a free one",
      "  --pg-setting NAME=VALUE  a PostgreSQL server setting for this run (postgres -c), repeatable;",
      "                   e.g. --pg-setting log_checkpoints=on",
      "  --help           this text");

  private final Path dataDir;
  private volatile KafkaBroker broker;
  private volatile PostgresServer postgres;
  private volatile boolean stopping;

  private DevServices(Path dataDir) {
    this.dataDir = dataDir;
  }

  public static void main(String[] args) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("devservices: " + e.getMessage() + " (see --help)");
      System.exit(2);
      return;
    }
    if (options.help) {
      System.out.println(USAGE);
      return;
    }
    System.exit(new DevServices(options.dataDir).run(options));
  }

  private int run(Options options) {
    Path envFile = dataDir.resolve(ENV_FILE);
    Optional<String> running = runningInstance(envFile);
    if (running.isPresent()) {
      System.err.println("devservices: already running for " + dataDir + " (pid " + running.get()
          + "); stop it first: scripts/services.sh stop --data-dir " + dataDir);
      return 1;
    }
    deleteQuietly(envFile);
    Runtime.getRuntime().addShutdownHook(new Thread(this::shutdown, "devservices-shutdown"));

    try {
      broker = KafkaBroker.start(dataDir.resolve("kafka"), options.kafkaPort);
    } catch (RuntimeException e) {
      return failed("the Kafka broker", e, "option: --kafka-port N");
    }
    try {
      postgres = PostgresServer.start(dataDir.resolve("postgres"), options.pgPort, options.pgSettings);
    } catch (RuntimeException e) {
      return failed("PostgreSQL", e, "option: --pg-port N");
    }

    Map<String, String> env = new java.util.LinkedHashMap<>();
    env.put("BOOTSTRAP_SERVERS", broker.bootstrapServers());
    env.put("JDBC_URL", postgres.jdbcUrl());
    env.put("JDBC_USER", postgres.user());
    env.put("JDBC_PASSWORD", postgres.password());
    env.put("DEVSERVICES_PID", Long.toString(ProcessHandle.current().pid()));
    StringBuilder text = new StringBuilder();
    env.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
    try {
      writeAtomically(envFile, text.toString());
    } catch (IOException e) {
      System.err.println("devservices: cannot write " + envFile + ": " + e.getMessage());
      return 1;
    }
    System.out.print(text);
    System.out.println("devservices: ready; logs in " + broker.logFile() + " and " + postgres.logFile()
        + "; wrote " + envFile);
    System.out.flush();
    return watch();
  }

  /** Runs until a signal ends the JVM (the shutdown hook stops the services), or a service dies. */
  private int watch() {
    while (true) {
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        return 0;
      }
      if (stopping) {
        return 0;
      }
      if (!broker.isRunning()) {
        System.err.println("devservices: the Kafka broker (pid " + broker.pid()
            + ") exited unexpectedly; see " + broker.logFile());
        return 1;
      }
      if (!postgres.isRunning()) {
        System.err.println("devservices: PostgreSQL (pid " + postgres.pid()
            + ") exited unexpectedly; see " + postgres.logFile());
        return 1;
      }
    }
  }

  /** Broker first: a pipeline still running against both should lose its input before its output. */
  private void shutdown() {
    stopping = true;
    KafkaBroker b = broker;
    PostgresServer p = postgres;
    if (b != null) {
      b.stop();
    }
    if (p != null) {
      p.stop();
    }
    deleteQuietly(dataDir.resolve(ENV_FILE));
    if (b != null || p != null) {
      System.out.println("devservices: stopped");
      System.out.flush();
    }
  }

  private static int failed(String component, RuntimeException e, String portHint) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    int newline = message.indexOf('\n');
    String firstLine = newline < 0 ? message : message.substring(0, newline);
    String hint = firstLine.contains("already in use") ? " (" + portHint + ")" : "";
    System.err.println("devservices: cannot start " + component + ": " + firstLine + hint);
    if (newline >= 0) {
      System.err.println(message.substring(newline + 1));
    }
    return 1;
  }

  /** The DEVSERVICES_PID of services.env if that process still runs: a second instance would fight over the ports. */
  private static Optional<String> runningInstance(Path envFile) {
    try {
      if (!Files.exists(envFile)) {
        return Optional.empty();
      }
      for (String line : Files.readAllLines(envFile, StandardCharsets.UTF_8)) {
        if (line.startsWith("DEVSERVICES_PID=")) {
          String pid = line.substring("DEVSERVICES_PID=".length()).trim();
          boolean alive = ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
          return alive && Long.parseLong(pid) != ProcessHandle.current().pid() ? Optional.of(pid)
              : Optional.empty();
        }
      }
    } catch (IOException | NumberFormatException e) {
      // An unreadable or stale file: overwritten below.
    }
    return Optional.empty();
  }

  /** Readers (services.sh) wait for the file to appear, so it must appear complete. */
  private static void writeAtomically(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      System.err.println("devservices: cannot delete " + file + ": " + e.getMessage());
    }
  }

  /** Command-line options. */
  static final class Options {
    Path dataDir;
    int kafkaPort;
    int pgPort;
    final Map<String, String> pgSettings = new java.util.LinkedHashMap<>();
    boolean help;

    static Options parse(String[] args) {
      Options options = new Options();
      List<String> list = List.of(args);
      for (int i = 0; i < list.size(); i++) {
        String arg = list.get(i);
        switch (arg) {
          case "--help":
          case "-h":
            options.help = true;
            return options;
          case "--data-dir":
            options.dataDir = Paths.get(value(list, ++i, arg)).toAbsolutePath().normalize();
            break;
          case "--kafka-port":
            options.kafkaPort = port(value(list, ++i, arg), arg);
            break;
          case "--pg-port":
            options.pgPort = port(value(list, ++i, arg), arg);
            break;
          case "--pg-setting":
            String setting = value(list, ++i, arg);
            int eq = setting.indexOf('=');
            if (eq <= 0) {
              throw new IllegalArgumentException(arg + " must be NAME=VALUE, was '" + setting + "'");
            }
            options.pgSettings.put(setting.substring(0, eq), setting.substring(eq + 1));
            break;
          default:
            throw new IllegalArgumentException("unknown argument: " + arg);
        }
      }
      if (options.dataDir == null) {
        throw new IllegalArgumentException("--data-dir DIR is required");
      }
      return options;
    }

    private static String value(List<String> args, int i, String option) {
      if (i >= args.size()) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      return args.get(i);
    }

    private static int port(String value, String option) {
      try {
        int port = Integer.parseInt(value);
        if (port >= 0 && port <= 65535) {
          return port;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException(option + " must be a port number 0..65535, was '" + value + "'");
    }
  }
}
