package io.candles.process;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a child JVM that runs a main class:
 * {@code [setsid] java [jvm options] -cp CLASSPATH WatchParent <this pid|none> MAIN [args]}.
 *
 * <p>By default the child runs under {@link WatchParent}, so it exits when this JVM is gone, and in a
 * session of its own ({@link OwnSession}), so a Ctrl-C reaches only this JVM, which stops it in order.
 * The location of this module's classes is added to the classpath for WatchParent.
 */
public final class JavaCommand {

  private final String mainClass;
  private final List<String> jvmOptions = new ArrayList<>();
  private final List<String> args = new ArrayList<>();
  private String classpath = System.getProperty("java.class.path");
  private boolean watchParent = true;
  private boolean ownSession = true;

  private JavaCommand(String mainClass) {
    this.mainClass = mainClass;
  }

  /** A child that runs {@code main}'s main method. */
  public static JavaCommand of(Class<?> main) {
    return new JavaCommand(main.getName());
  }

  /**
   * A child that runs a main class that is not on this JVM's classpath (a Kafka broker or a Flink
   * process from jars of their own), named as it is on the child's {@link #classpath(String)}.
   */
  public static JavaCommand ofClassName(String mainClass) {
    return new JavaCommand(mainClass);
  }

  /** The same java that runs this JVM, so the child gets the same Java version. */
  public static String javaBinary() {
    return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The directory or jar that a class was loaded from, for a child's classpath. */
  public static Path location(Class<?> c) {
    try {
      return Paths.get(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("cannot locate the classes of " + c.getName() + ": " + e.getMessage(), e);
    }
  }

  /** The child's classpath; default: this JVM's. */
  public JavaCommand classpath(String value) {
    this.classpath = value;
    return this;
  }

  /** JVM options, in the order given, before the classpath. */
  public JavaCommand jvmOptions(List<String> options) {
    jvmOptions.addAll(options);
    return this;
  }

  /** Arguments of the main class. */
  public JavaCommand args(List<String> values) {
    args.addAll(values);
    return this;
  }

  /** Whether the child exits when this JVM is gone (default true). */
  public JavaCommand watchParent(boolean watch) {
    this.watchParent = watch;
    return this;
  }

  /** Whether the child runs in a session of its own (default true). */
  public JavaCommand ownSession(boolean own) {
    this.ownSession = own;
    return this;
  }

  public List<String> build() {
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classpath + File.pathSeparator + location(WatchParent.class));
    command.add(WatchParent.class.getName());
    command.add(watchParent ? Long.toString(ProcessHandle.current().pid()) : "none");
    command.add(mainClass);
    command.addAll(args);
    return ownSession ? OwnSession.wrap(command) : command;
  }
}
