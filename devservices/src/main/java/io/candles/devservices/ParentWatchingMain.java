package io.candles.devservices;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Optional;

/**
 * Runs another main class in a child JVM and ends that JVM when the parent process is gone, so a broker
 * never outlives a test JVM that crashed or was killed with -9 (a normal exit of the parent stops it
 * through {@link KafkaBroker#close()} anyway).
 *
 * <p>Usage: {@code ParentWatchingMain <parentPid|none> <main class> [args...]}.
 */
public final class ParentWatchingMain {

    /** How often the parent is checked. onExit() of a non-child polls with up to 5 s between checks. */
    private static final long POLL_MILLIS = 500;

    private ParentWatchingMain() {
    }

    public static void main(String[] args) throws Throwable {
        if (args.length < 2) {
            System.err.println("usage: ParentWatchingMain <parentPid|none> <main class> [args...]");
            System.exit(2);
        }
        if (!"none".equals(args[0])) {
            watchParent(Long.parseLong(args[0]));
        }
        Method main = Class.forName(args[1]).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void watchParent(long pid) {
        Optional<ProcessHandle> parent = ProcessHandle.of(pid);
        if (parent.isEmpty() || !parent.get().isAlive()) {
            System.err.println("ParentWatchingMain: parent process " + pid + " is already gone; exiting");
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
            System.err.println("ParentWatchingMain: parent process " + pid + " exited; shutting down");
            // Runs the main program's shutdown hooks, so a broker still shuts down cleanly.
            System.exit(1);
        }, "parent-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }
}
