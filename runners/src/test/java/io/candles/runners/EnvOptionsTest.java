package io.candles.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class EnvOptionsTest {

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private Path secret(String content) throws Exception {
    Path file = tmp.newFile().toPath();
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

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
  public void aVariableEndingInFileNamesAFileThatHoldsTheValue() throws Exception {
    Path file = secret("s3cret with spaces \n");
    List<String> used = new ArrayList<>();
    String[] args = EnvOptions.withEnvironment(new String[0], Map.of("JDBC_PASSWORD_FILE", file.toString()), used);
    // The trailing line break a secret file usually has is not part of it; everything else is.
    assertEquals(List.of("--jdbcPassword=s3cret with spaces "), List.of(args));
    assertEquals("only the variable's name is reported, never the value", List.of("JDBC_PASSWORD_FILE"), used);
  }

  @Test
  public void theCommandLineWinsOverAFileToo() throws Exception {
    String[] args = EnvOptions.withEnvironment(new String[] {"--jdbcPassword=x"},
        Map.of("JDBC_PASSWORD_FILE", tmp.getRoot().toPath().resolve("missing").toString()), new ArrayList<>());
    assertEquals(List.of("--jdbcPassword=x"), List.of(args));
  }

  @Test
  public void aVariableGivenBothWaysIsRefused() throws Exception {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EnvOptions.withEnvironment(
        new String[0], Map.of("JDBC_PASSWORD", "a", "JDBC_PASSWORD_FILE", secret("b").toString()), new ArrayList<>()));
    assertEquals("JDBC_PASSWORD and JDBC_PASSWORD_FILE are both set: keep one", e.getMessage());
  }

  @Test
  public void anEmptySecretFileIsRefused() throws Exception {
    Path file = secret("\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EnvOptions.withEnvironment(
        new String[0], Map.of("JDBC_PASSWORD_FILE", file.toString()), new ArrayList<>()));
    assertEquals("JDBC_PASSWORD_FILE=" + file + " is empty: put the value in it", e.getMessage());
  }

  @Test
  public void aMissingSecretFileIsOneLineFromTheLauncher() {
    String missing = tmp.getRoot().toPath().resolve("no-such-secret").toString();
    PrintCapture c = PrintCapture.run(() -> CandlesLauncher.run(new String[0], Map.of("JDBC_PASSWORD_FILE", missing)));
    assertEquals(2, c.exitCode());
    assertEquals(c.err(), 1, c.err().lines().count());
    assertThat(c.err(), containsString("error: JDBC_PASSWORD_FILE=" + missing + " cannot be read (NoSuchFileException)"));
  }

  @Test
  public void theJobNameCanComeFromTheEnvironment() {
    String[] args = EnvOptions.withEnvironment(new String[0], Map.of("JOB_NAME", "candles"), new ArrayList<>());
    assertEquals(List.of("--jobName=candles"), List.of(args));
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
