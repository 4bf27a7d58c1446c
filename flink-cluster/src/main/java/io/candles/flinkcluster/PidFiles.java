package io.candles.flinkcluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pid/ folder of a data directory: one file per running process of its cluster, so that another
 * JVM (scripts/flink-cluster.sh stop) finds them; each PID is checked to still be that process.
 */
final class PidFiles {

  private PidFiles() {}

  static Path file(Path dataDir, String name) {
    return dataDir.resolve("pid").resolve(name + ".pid");
  }

  static void write(Path dataDir, String name, long pid) throws IOException {
    Files.writeString(file(dataDir, name), pid + "\n", StandardCharsets.UTF_8);
  }

  /**
   * The JVM option that lets {@link #running} tell this member of this data directory's cluster
   * from another process that got its PID.
   */
  static String memberOption(String name, Path dataDir) {
    return "-Dcandles.flink.member=" + name + "@" + dataDir;
  }

  /** The members of the cluster of this data directory that are running, by name, in name order. */
  static Map<String, ProcessHandle> running(Path dir) {
    Map<String, ProcessHandle> running = new LinkedHashMap<>();
    Path pids = dir.resolve("pid");
    if (!Files.isDirectory(pids)) {
      return running;
    }
    try (var files = Files.list(pids)) {
      for (Path f : (Iterable<Path>) files.sorted()::iterator) {
        String file = f.getFileName().toString();
        if (!file.endsWith(".pid")) {
          continue;
        }
        String name = file.substring(0, file.length() - 4);
        try {
          long pid = Long.parseLong(Files.readString(f, StandardCharsets.UTF_8).trim());
          Optional<ProcessHandle> handle = ProcessHandle.of(pid);
          if (handle.isPresent() && handle.get().isAlive() && isMember(pid, name, dir)) {
            running.put(name, handle.get());
          }
        } catch (IOException | NumberFormatException e) {
          // A pid file being written or garbage: not a running member.
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + pids, e);
    }
    return running;
  }

  /** Whether the process's command line says it is this member of this data directory's cluster. */
  private static boolean isMember(long pid, String name, Path dir) {
    try {
      byte[] raw = Files.readAllBytes(Paths.get("/proc", Long.toString(pid), "cmdline"));
      return List.of(new String(raw, StandardCharsets.UTF_8).split("\0")).contains(memberOption(name, dir));
    } catch (IOException e) {
      return false;
    }
  }

  static void deleteStale(Path dir) {
    Map<String, ProcessHandle> running = running(dir);
    try (var files = Files.list(dir.resolve("pid"))) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String file = f.getFileName().toString();
        if (file.endsWith(".pid") && !running.containsKey(file.substring(0, file.length() - 4))) {
          deleteQuietly(f);
        }
      }
    } catch (IOException e) {
      // Nothing to clean.
    }
  }

  static void delete(Path dataDir, String name) {
    deleteQuietly(file(dataDir, name));
  }

  static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // Only bookkeeping.
    }
  }
}
