package io.candles.process;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Optional;

/**
 * Ends this JVM when the process that started it is gone, so a child never outlives a parent that
 * crashed or was killed with -9 (a normal exit of the parent stops its children anyway).
 *
 * <p>As a main: {@code WatchParent <parentPid|none> <main class> [args...]} runs the main class under
 * the watch ({@code none} runs it as it is); {@link JavaCommand} starts children that way. A main of
 * this project can also watch by itself: {@link #fromSystemProperty()} reads the parent's PID from
 * {@value #PARENT_PID_PROPERTY}.
 */
public final class WatchParent {

  /** Set in a child to the PID of the JVM that started it, for {@link #fromSystemProperty()}. */
  public static final String PARENT_PID_PROPERTY = "candles.parentPid";

  /** How often the parent is checked. onExit() of a non-child polls with up to 5 s between checks. */
  private static final long POLL_MILLIS = 500;

  private WatchParent() {}

  public static void main(String[] args) throws Throwable {
    if (args.length < 2) {
      System.err.println("usage: WatchParent <parentPid|none> <main class> [args...]");
      System.exit(2);
    }
    if (!"none".equals(args[0])) {
      exitWhenGone(Long.parseLong(args[0]));
    }
    Method main = Class.forName(args[1]).getMethod("main", String[].class);
    try {
      main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** In a child started with -D{@value #PARENT_PID_PROPERTY}=PID: exit as soon as that process is gone. */
  public static void fromSystemProperty() {
    String pid = System.getProperty(PARENT_PID_PROPERTY);
    if (pid != null) {
      exitWhenGone(Long.parseLong(pid));
    }
  }

  /**
   * Exits this JVM (status 1, shutdown hooks run, so a server still stops cleanly) once the process
   * {@code pid} is gone; at once if it is gone already.
   */
  public static void exitWhenGone(long pid) {
    Optional<ProcessHandle> parent = ProcessHandle.of(pid);
    if (parent.isEmpty() || !parent.get().isAlive()) {
      System.err.println("WatchParent: parent process " + pid + " is already gone; exiting");
      System.exit(1);
    }
    ProcessHandle handle = parent.get();
    Thread watcher = new Thread(() -> {
      // isAlive() also compares the start time, so a recycled PID does not count as the parent.
      while (handle.isAlive()) {
        try {
          Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
          return;
        }
      }
      System.err.println("WatchParent: parent process " + pid + " exited; shutting down");
      System.exit(1);
    }, "parent-watcher");
    watcher.setDaemon(true);
    watcher.start();
  }
}
