package io.candles.local;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Two lines for a component that died while running: which one, why as far as its exit code and
 * the end of its log tell, and what to do about it. The full story is in its log, whose path is
 * given; the screen gets what a user can act on.
 */
final class FailureReport {
  private static final int TAIL_LINES = 40;

  private FailureReport() {}

  /**
   * @param exitCode the process's exit code, -1 if unknown (a daemon such as postgres is not our child)
   * @param tail the last lines of its log, oldest first
   */
  static String died(String component, long pid, int exitCode, List<String> tail, Path log) {
    String why;
    String todo;
    if (contains(tail, "OutOfMemoryError")) {
      why = "it ran out of memory";
      todo = "lower --rate, or close other programs, and run again";
    } else if (contains(tail, "No space left on device")) {
      why = "the disk is full";
      todo = "free disk space under the --data-dir and run again";
    } else if (contains(tail, "Address already in use")) {
      why = "a port it needs is taken";
      todo = "stop what uses the port (see the log) and run again";
    } else if (exitCode == 137) {
      why = "it was killed with SIGKILL (kill -9 or the kernel's out-of-memory killer: see dmesg)";
      todo = "if it was the kernel, free memory; then run again";
    } else if (exitCode == 143 || exitCode == 130) {
      why = "something outside run-local stopped it (SIG" + (exitCode == 143 ? "TERM" : "INT") + ")";
      todo = "run again, and stop the whole system with Ctrl-C rather than one part of it";
    } else if (exitCode >= 0) {
      why = "it exited with code " + exitCode;
      todo = "see why in its log and run again";
    } else {
      why = "its process is gone";
      todo = "see why in its log (killed? out of memory or disk?) and run again";
    }
    return component + " (pid " + pid + ") died: " + why + "; its last log line: " + lastLine(tail) + "\n"
        + todo + " (the kept data is resumed; log: " + log + ")";
  }

  /** The last lines of a log file, oldest first; none if it cannot be read. */
  static List<String> tail(Path file) {
    List<String> out = new ArrayList<>();
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long start = Math.max(0, in.length() - 32 * 1024);
      byte[] bytes = new byte[(int) (in.length() - start)];
      in.seek(start);
      in.readFully(bytes);
      for (String l : new String(bytes, StandardCharsets.UTF_8).split("\r?\n")) {
        out.add(l);
      }
    } catch (IOException e) {
      return List.of();
    }
    return out.subList(Math.max(0, out.size() - TAIL_LINES), out.size());
  }

  /** The last line that says something: not blank, not a stack frame. */
  static String lastLine(List<String> tail) {
    for (int i = tail.size() - 1; i >= 0; i--) {
      String l = tail.get(i).trim();
      if (!l.isEmpty() && !l.startsWith("at ") && !l.startsWith("...")) {
        return l.length() > 200 ? l.substring(0, 200) + "..." : l;
      }
    }
    return "(none)";
  }

  private static boolean contains(List<String> tail, String text) {
    return tail.stream().anyMatch(l -> l.contains(text));
  }
}
