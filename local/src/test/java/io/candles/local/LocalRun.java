package io.candles.local;

import static org.junit.Assert.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * scripts/run-local.sh running the way the README runs it, on this build's classes, and what it
 * printed; and the ps-based check that nothing it started is left.
 */
final class LocalRun {
  static final Pattern PG = Pattern.compile("psql \"postgresql://postgres@127\\.0\\.0\\.1:(\\d+)/postgres\"");
  static final Pattern REST = Pattern.compile("Ingester REST:\\s+(http://127\\.0\\.0\\.1:\\d+)/status");
  static final Pattern PIDS = Pattern.compile("PIDs:\\s+(.*)");
  /** The live view's header line (LiveViewIT checks it against a render). */
  static final Pattern VIEW_HEADER = Pattern.compile("^pair +window \\(UTC\\) +open +high +low +close +ticks +state "
      + "+spread \\(twa\\) +feed gaps +ticks/s +freshest$");

  /** The live view's line of a pair's open candle, with prices, a spread or "-", maybe gaps, a rate and an age. */
  static Pattern viewOpenCandle(String pair) {
    return Pattern.compile("^" + pair + " +\\d\\d:\\d\\d-\\d\\d:\\d\\d +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +\\d+ "
        + "+open +(-|[0-9.]+)( +gap [0-9.]+s x\\d+)? +[0-9.]+ +\\d+ ms$");
  }
  static final Path ROOT = Paths.get("..").toAbsolutePath().normalize();

  final Process process;
  final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();

  private LocalRun(Process process) {
    this.process = process;
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String l;
        while ((l = r.readLine()) != null) {
          lines.add(l);
        }
      } catch (IOException e) {
        // The process ended.
      }
    });
    reader.setDaemon(true);
    reader.start();
  }

  /** run-local.sh ARGS, in this JVM's process group, as a script would run it. */
  static LocalRun start(String... args) throws IOException {
    return start(false, args);
  }

  /**
   * With {@code ownGroup}, in a session and process group of its own (setsid), as a terminal runs
   * a foreground command, so that {@link #interruptGroup} can do what Ctrl-C does.
   */
  static LocalRun start(boolean ownGroup, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    if (ownGroup) {
      // A terminal's foreground command receives Ctrl-C. A build started in the background by a
      // non-interactive shell (a CI script, `nohup ... &`) runs with SIGINT ignored, every child
      // inherits that, and the JVM then leaves it ignored: reset it first, as a terminal would
      // (perl is part of every Debian system; a shell cannot undo an inherited ignore).
      cmd.addAll(List.of("perl", "-e", "$SIG{INT} = 'DEFAULT'; exec { $ARGV[0] } @ARGV or die \"exec $ARGV[0]: $!\\n\";"));
      cmd.add("setsid");
    }
    cmd.add("bash");
    cmd.add(ROOT.resolve("scripts/run-local.sh").toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true);
    // This build's classes and jars, not whatever the local Maven repository holds.
    pb.environment().put("RUN_LOCAL_CLASSPATH", System.getProperty("java.class.path"));
    return new LocalRun(pb.start());
  }

  static Path newDataDir(String prefix) throws IOException {
    return Files.createTempDirectory(Files.createDirectories(Paths.get("target").toAbsolutePath()), prefix);
  }

  /** Ctrl-C in a terminal: SIGINT to every process of the foreground process group. */
  void interruptGroup() throws Exception {
    // setsid from a JVM child execs in place (it is no group leader), and run-local.sh execs java:
    // the process's PID is its process group's ID.
    Process kill = new ProcessBuilder("kill", "-INT", "--", "-" + process.pid()).inheritIO().start();
    if (kill.waitFor() != 0) {
      fail("kill -INT -" + process.pid() + " failed");
    }
  }

  /** The first group of the first line matching {@code p}, waiting for it. */
  String await(Pattern p, long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (System.currentTimeMillis() < deadline) {
      for (String l : lines) {
        Matcher m = p.matcher(l);
        if (m.find()) {
          return m.groupCount() > 0 ? m.group(1) : m.group();
        }
      }
      if (!process.isAlive()) {
        break;
      }
      Thread.sleep(200);
    }
    fail("run-local.sh never printed " + p + "; output:\n" + output());
    return null;
  }

  int awaitExit(long timeoutSeconds) throws InterruptedException {
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("run-local.sh did not exit within " + timeoutSeconds + " s; output:\n" + output());
    }
    return process.exitValue();
  }

  String output() {
    return String.join("\n", lines);
  }

  /** "kafka=1 postgres=2 ingester=3" as name to PID. */
  static Map<String, Long> pids(String pidLine) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String part : pidLine.isBlank() ? new String[0] : pidLine.trim().split("\\s+")) {
      out.put(part.substring(0, part.indexOf('=')), Long.parseLong(part.substring(part.indexOf('=') + 1)));
    }
    return out;
  }

  /** Processes as ps lists them, zombies left out (this machine's init reaps them late): PID to command line. */
  static Map<Long, String> ps() throws Exception {
    Process ps = new ProcessBuilder("ps", "-eo", "pid=,stat=,args=").redirectErrorStream(true).start();
    String out = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    ps.waitFor();
    Map<Long, String> alive = new LinkedHashMap<>();
    for (String l : out.split("\n")) {
      String[] f = l.trim().split("\\s+", 3);
      if (f.length == 3 && !f[1].startsWith("Z")) {
        alive.put(Long.parseLong(f[0]), f[2]);
      }
    }
    return alive;
  }

  /** PIDs in the process group {@code pgid}, by ps. */
  static List<Long> processGroup(long pgid) throws Exception {
    Process ps = new ProcessBuilder("ps", "-eo", "pid=,pgid=,stat=").redirectErrorStream(true).start();
    String out = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    ps.waitFor();
    List<Long> members = new ArrayList<>();
    for (String l : out.split("\n")) {
      String[] f = l.trim().split("\\s+");
      if (f.length == 3 && Long.parseLong(f[1]) == pgid && !f[2].startsWith("Z")) {
        members.add(Long.parseLong(f[0]));
      }
    }
    return members;
  }

  /** No process it printed is alive, and no process has the data directory in its command line (ps). */
  static void assertNothingLeft(String pidLine, Path dataDir) throws Exception {
    List<String> alive = new ArrayList<>();
    long deadline = System.currentTimeMillis() + 15_000;
    do {
      alive.clear();
      Map<Long, String> ps = ps();
      pids(pidLine).forEach((name, pid) -> {
        if (ps.containsKey(pid)) {
          alive.add(name + "=" + pid + " " + ps.get(pid));
        }
      });
      ps.forEach((pid, args) -> {
        if (args.contains(dataDir.toString())) {
          alive.add(pid + " " + args);
        }
      });
      if (alive.isEmpty()) {
        return;
      }
      Thread.sleep(500);
    } while (System.currentTimeMillis() < deadline);
    fail("processes left behind: " + alive);
  }
}
