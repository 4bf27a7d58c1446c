package io.candles.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.Assert.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.Test;

public class EnvOptionsTest {

  @Test
  public void variablesAreTheOptionNamesInUpperSnakeCase() {
    assertEquals("BOOTSTRAP_SERVERS", EnvOptions.variable("bootstrapServers"));
    assertEquals("JDBC_URL", EnvOptions.variable("jdbcUrl"));
    assertEquals("FLINK_MASTER", EnvOptions.variable("flinkMaster"));
    assertThat(EnvOptions.variables(), hasItems("BOOTSTRAP_SERVERS", "TOPIC", "DLQ_TOPIC", "JDBC_URL", "JDBC_USER",
        "JDBC_PASSWORD", "TABLE", "WINDOW_SIZE", "IDLE_TIMEOUT", "RUNNER", "FLINK_MASTER", "PARALLELISM",
        "SAVEPOINT_PATH"));
  }

  @Test
  public void theCommandLineWinsAndOnlySetVariablesCount() {
    List<String> used = new ArrayList<>();
    String[] args = EnvOptions.withEnvironment(new String[] {"--topic=t1"},
        Map.of("TOPIC", "t2", "JDBC_URL", "jdbc:postgresql://db/x", "FLINK_MASTER", "", "HOME", "/root"), used);
    assertEquals(List.of("--topic=t1", "--jdbcUrl=jdbc:postgresql://db/x"), List.of(args));
    assertEquals(List.of("JDBC_URL"), used);
  }

  @Test
  public void aBadValueFromTheEnvironmentIsReportedLikeOneOnTheCommandLine() {
    PrintCapture c = PrintCapture.run(() -> CandlesLauncher.run(new String[0], Map.of("WINDOW_SIZE", "five minutes")));
    assertEquals(2, c.exitCode());
    assertThat(c.out(), containsString("Options from the environment: WINDOW_SIZE"));
    assertThat(c.err(), containsString("--windowSize=five minutes is not a duration"));
  }

  /** Runs the launcher in-process and captures what it prints. */
  record PrintCapture(int exitCode, String out, String err) {
    static PrintCapture run(java.util.function.IntSupplier launcher) {
      java.io.PrintStream oldOut = System.out;
      java.io.PrintStream oldErr = System.err;
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
      try {
        System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        int code = launcher.getAsInt();
        return new PrintCapture(code, out.toString(java.nio.charset.StandardCharsets.UTF_8),
            err.toString(java.nio.charset.StandardCharsets.UTF_8));
      } finally {
        System.setOut(oldOut);
        System.setErr(oldErr);
      }
    }
  }
}
