package io.candles.flinkcluster;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Optional;

/**
 * Runs a Flink entry point and ends its JVM when the process that started it is gone, so a
 * JobManager or TaskManager never outlives a test JVM that crashed or was killed with -9.
 *
 * <p>Usage: {@code WatchParent <parentPid|none> <main class> [args...]}; {@code none} (what
 * {@code scripts/flink-cluster.sh} uses) runs the main class as it is.
 */
public final class WatchParent {

  private static final long POLL_MILLIS = 500;

  private WatchParent() {}

  public static void main(String[] args) throws Throwable {
    if (args.length < 2) {
      System.err.println("usage: WatchParent <parentPid|none> <main class> [args...]");
      System.exit(2);
    }
    if (!"none".equals(args[0])) {
      watch(Long.parseLong(args[0]));
    }
    Method main = Class.forName(args[1]).getMethod("main", String[].class);
    try {
      main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static void watch(long pid) {
    Optional<ProcessHandle> parent = ProcessHandle.of(pid);
    if (parent.isEmpty() || !parent.get().isAlive()) {
      System.err.println("WatchParent: parent process " + pid + " is already gone; exiting");
      System.exit(1);
    }
    Thread watcher = new Thread(() -> {
      // isAlive() also compares the start time, so a recycled PID does not count as the parent.
      while (parent.get().isAlive()) {
        try {
          Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
          return;
        }
      }
      System.err.println("WatchParent: parent process " + pid + " exited; shutting down");
      // Runs Flink's shutdown hooks, so the process still leaves cleanly.
      System.exit(1);
    }, "parent-watcher");
    watcher.setDaemon(true);
    watcher.start();
  }
}
