package io.candles.runners;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs the launcher again in a plain JVM when it was started inside {@code mvn exec:java}, where the
 * Flink runner cannot work: exec:java loads the project through a class loader of its own, and
 * Flink's mini-cluster resolves user classes against the system class loader, so the job fails
 * with a ClassNotFoundException on Flink's own classes (e.g. ExecutionConfig). The child gets the
 * same classpath, Flink's JVM options for Java 17 and the same arguments; this JVM waits for it and
 * returns its exit code, and the child exits when this JVM is gone (even after kill -9).
 */
final class PlainJvm {

  /** Set in the child to the PID of the JVM that started it. */
  static final String PARENT_PID_PROPERTY = "candles.parentPid";

  /**
   * The JVM options that Flink's distribution puts in {@code env.java.opts.all} for Java 17: Flink
   * (Kryo, its closure cleaner, its network stack) reflects into these JDK packages.
   */
  static final List<String> FLINK_JAVA17_OPTIONS = List.of(
      "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
      "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
      "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
      "--add-opens=java.base/java.lang=ALL-UNNAMED",
      "--add-opens=java.base/java.net=ALL-UNNAMED",
      "--add-opens=java.base/java.io=ALL-UNNAMED",
      "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
      "--add-opens=java.base/java.text=ALL-UNNAMED",
      "--add-opens=java.base/java.time=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

  private PlainJvm() {}

  /**
   * The classpath of the class loader that exec:java built, if this JVM runs inside Maven (the
   * launcher's classes were not loaded by the system class loader); empty in a plain JVM.
   */
  static Optional<String> mavenExecClasspath() {
    ClassLoader own = CandlesLauncher.class.getClassLoader();
    if (own == ClassLoader.getSystemClassLoader() || !(own instanceof URLClassLoader)) {
      return Optional.empty();
    }
    List<String> entries = new ArrayList<>();
    for (URL url : ((URLClassLoader) own).getURLs()) {
      try {
        entries.add(Paths.get(url.toURI()).toString());
      } catch (URISyntaxException | IllegalArgumentException e) {
        return Optional.empty();
      }
    }
    return Optional.of(String.join(File.pathSeparator, entries));
  }

  /** Runs the launcher with these arguments in a child JVM and returns its exit code. */
  static int run(String classpath, String[] args) {
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(FLINK_JAVA17_OPTIONS);
    command.add("-D" + PARENT_PID_PROPERTY + "=" + ProcessHandle.current().pid());
    command.add("-cp");
    command.add(classpath);
    command.add(CandlesLauncher.class.getName());
    command.addAll(List.of(args));
    Process child;
    try {
      child = new ProcessBuilder(command).inheritIO().start();
    } catch (IOException e) {
      System.err.println("error: could not start a JVM for the Flink runner: " + e.getMessage());
      return 1;
    }
    Thread stopChild = new Thread(child::destroy, "stop-flink-launcher");
    Runtime.getRuntime().addShutdownHook(stopChild);
    try {
      return child.waitFor();
    } catch (InterruptedException e) {
      child.destroy();
      Thread.currentThread().interrupt();
      return 1;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(stopChild);
      } catch (IllegalStateException e) {
        // Already shutting down: the hook stops the child.
      }
    }
  }

  /** In a child started by {@link #run}: exit as soon as the parent JVM is gone. */
  static void exitWithParent() {
    String pid = System.getProperty(PARENT_PID_PROPERTY);
    if (pid == null) {
      return;
    }
    Optional<ProcessHandle> parent = ProcessHandle.of(Long.parseLong(pid));
    if (parent.isEmpty()) {
      System.exit(1);
    }
    Thread watcher = new Thread(() -> {
      while (parent.get().isAlive()) {
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          return;
        }
      }
      System.exit(1);
    }, "parent-watcher");
    watcher.setDaemon(true);
    watcher.start();
  }
}
