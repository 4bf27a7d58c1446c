package io.candles.runners;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the launcher in-process and captures what it prints. */
record LauncherOutput(int exitCode, String out, String err) {

  static LauncherOutput run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = CandlesLauncher.run(args);
      return new LauncherOutput(code, out.toString(StandardCharsets.UTF_8),
          err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  /** The lines the launcher itself wrote to stderr (not the logger's, which carry a level). */
  long errorLines() {
    return err.lines().filter(l -> l.startsWith("error: ")).count();
  }
}
