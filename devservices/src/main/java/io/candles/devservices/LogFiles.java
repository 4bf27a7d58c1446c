package io.candles.devservices;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/** Reading the log files that the services append to. */
final class LogFiles {

  private LogFiles() {
  }

  /** The size of the file, 0 if it does not exist: where the output of a process started now begins. */
  static long size(Path file) {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /**
   * Whether the text appears in the file after the given offset. Logs are appended across restarts, so
   * only what this run wrote counts. Reads at most 16 MB, far more than a startup writes.
   */
  static boolean containsAfter(Path file, long offset, String text) {
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long length = Math.min(in.length() - offset, 16L << 20);
      if (length <= 0) {
        return false;
      }
      byte[] bytes = new byte[(int) length];
      in.seek(offset);
      in.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8).contains(text);
    } catch (IOException e) {
      return false;
    }
  }

  /** The last lines of the file, for error messages; a note instead if it cannot be read. */
  static String tail(Path file, int lines) {
    if (!Files.exists(file)) {
      return "(" + file + " does not exist)";
    }
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long start = Math.max(0, in.length() - 64 * 1024);
      byte[] bytes = new byte[(int) (in.length() - start)];
      in.seek(start);
      in.readFully(bytes);
      Deque<String> last = new ArrayDeque<>();
      for (String line : new String(bytes, StandardCharsets.UTF_8).split("\r?\n")) {
        last.addLast(line);
        if (last.size() > lines) {
          last.removeFirst();
        }
      }
      return String.join("\n", last);
    } catch (IOException e) {
      return "(could not read " + file + ": " + e.getMessage() + ")";
    }
  }
}
