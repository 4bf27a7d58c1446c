package io.candles.runners;

import io.candles.process.FlinkJvmOptions;
import io.candles.process.JavaCommand;
import io.candles.process.WatchParent;
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
 * returns its exit code, and the child exits when this JVM is gone (even after kill -9: the launcher
 * watches the PID in {@link #PARENT_PID_PROPERTY}).
 */
final class PlainJvm {

  /** Set in the child to the PID of the JVM that started it. */
  static final String PARENT_PID_PROPERTY = WatchParent.PARENT_PID_PROPERTY;

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
    command.add(JavaCommand.javaBinary());
    command.addAll(FlinkJvmOptions.JAVA17);
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
}
