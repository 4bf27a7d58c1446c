package io.candles.flinkcluster;

import io.candles.process.JavaCommand;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Flink's jars, which this module's build lists (like the lib/ folder of Flink's distribution), and
 * what Flink's own tools compute from them before a process starts.
 */
final class FlinkJars {

  static final String CLASSPATH_RESOURCE = "flink-cluster.classpath";
  private static final String BASH_JAVA_UTILS = "org.apache.flink.runtime.util.bash.BashJavaUtils";
  private static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";

  private FlinkJars() {}

  /** The JVM flags and the dynamic "-D key=value" settings of one kind of process. */
  record ResourceParams(List<String> jvm, List<String> dynamic) {}

  /** Flink's jars, each checked to exist. */
  static String classpath() {
    String flink;
    try (InputStream in = FlinkJars.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the Flink classpath (resource io/candles/flinkcluster/" + CLASSPATH_RESOURCE
            + ") is missing; build the module first: mvn -pl flink-cluster -am package -DskipTests");
      }
      flink = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String entry : flink.split(File.pathSeparator)) {
      if (!Files.exists(Paths.get(entry))) {
        throw new IllegalStateException("the Flink jar " + entry + " is missing; rebuild: mvn -pl flink-cluster -am "
            + "package -DskipTests");
      }
    }
    return flink;
  }

  /**
   * The JVM flags and the dynamic memory settings for a JobManager (GET_JM_RESOURCE_PARAMS) or
   * TaskManager (GET_TM_RESOURCE_PARAMS), computed from config.yaml by Flink's BashJavaUtils, exactly
   * as Flink's jobmanager.sh and taskmanager.sh do.
   */
  static ResourceParams resourceParams(String classpath, Path dataDir, String command) {
    List<String> cmd = List.of(JavaCommand.javaBinary(), "-Xmx128m", "-cp", classpath, BASH_JAVA_UTILS, command,
        "--configDir", dataDir.resolve("conf").toString());
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("Flink's BashJavaUtils " + command + " failed for " + dataDir.resolve("conf")
            + ":\n" + out);
      }
      List<String> results = new ArrayList<>();
      for (String line : out.split("\n")) {
        if (line.startsWith(RESULT_PREFIX)) {
          results.add(line.substring(RESULT_PREFIX.length()).trim());
        }
      }
      if (results.size() < 2) {
        throw new IllegalStateException("unexpected output of Flink's BashJavaUtils " + command + ":\n" + out);
      }
      // The last two result lines: JVM flags, then "-D key=value" pairs.
      return new ResourceParams(split(results.get(results.size() - 2)), split(results.get(results.size() - 1)));
    } catch (IOException e) {
      throw new IllegalStateException("could not run Flink's BashJavaUtils: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while computing Flink's memory settings", e);
    }
  }

  private static List<String> split(String s) {
    List<String> parts = new ArrayList<>();
    for (String p : s.trim().split("\\s+")) {
      if (!p.isEmpty()) {
        parts.add(p);
      }
    }
    return parts;
  }
}
