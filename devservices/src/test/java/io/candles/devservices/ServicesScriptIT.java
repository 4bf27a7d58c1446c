package io.candles.devservices;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;

import io.candles.process.Ports;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** scripts/services.sh and DevServices end to end, as a developer or CI uses them. */
public class ServicesScriptIT {

  private static final Path SCRIPT = Paths.get(System.getProperty("basedir", System.getProperty("user.dir")))
      .resolve("../scripts/services.sh").normalize();

  @Rule
  public TemporaryFolder tmp = new TemporaryFolder();

  private Path dataDir;

  @After
  public void stopLeftover() throws Exception {
    if (dataDir != null) {
      run("stop");
    }
  }

  @Test
  public void startsReportsAndStopsBothServices() throws Exception {
    dataDir = tmp.newFolder("local-data").toPath();

    Result start = run("start");
    assertThat(start.output, start.exitCode, equalTo(0));
    Map<String, String> env = readEnv(dataDir.resolve("services.env"));
    assertThat(env.keySet(), equalTo(java.util.Set.of(
        "BOOTSTRAP_SERVERS", "JDBC_URL", "JDBC_USER", "JDBC_PASSWORD", "DEVSERVICES_PID")));
    assertThat(env.get("BOOTSTRAP_SERVERS"), matchesPattern("127\\.0\\.0\\.1:\\d+"));
    assertThat(env.get("JDBC_URL"), matchesPattern("jdbc:postgresql://127\\.0\\.0\\.1:\\d+/postgres"));
    assertThat(start.output, containsString("JDBC URL to paste: " + env.get("JDBC_URL") + "?user=postgres"));
    long pid = Long.parseLong(env.get("DEVSERVICES_PID"));
    int kafkaPort = port(env.get("BOOTSTRAP_SERVERS"));
    int pgPort = port(env.get("JDBC_URL").replaceAll("/postgres$", ""));
    assertThat(Ports.accepts(kafkaPort), is(true));
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(env.get("JDBC_URL"), env.get("JDBC_USER"),
        env.get("JDBC_PASSWORD")); java.sql.Statement s = c.createStatement()) {
      assertThat(s.execute("select 1"), is(true));
    }

    Result status = run("status");
    assertThat(status.output, status.exitCode, equalTo(0));
    assertThat(status.output, containsString("devservices is running (pid " + pid + ")"));
    assertThat(run("start").output, containsString("already running (pid " + pid + ")"));

    Result stop = run("stop");
    assertThat(stop.output, stop.exitCode, equalTo(0));
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), is(false));
    assertThat(Files.exists(dataDir.resolve("services.env")), is(false));
    assertThat(Ports.accepts(kafkaPort), is(false));
    assertThat(Ports.accepts(pgPort), is(false));
    assertThat(Files.readString(dataDir.resolve("devservices.log")), containsString("devservices: stopped"));

    Result statusAfter = run("status");
    assertThat(statusAfter.exitCode, equalTo(1));
    assertThat(statusAfter.output, containsString("not running"));
  }

  @Test
  public void aTakenPortIsReportedInOneLine() throws Exception {
    dataDir = tmp.newFolder("local-data").toPath();
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      Result start = run("start", "--kafka-port", Integer.toString(taken.getLocalPort()));
      assertThat(start.output, start.exitCode, equalTo(1));
      assertThat(start.output, containsString("devservices: cannot start the Kafka broker: Kafka broker port 127.0.0.1:"
          + taken.getLocalPort() + " is already in use"));
      assertThat(Files.exists(dataDir.resolve("services.env")), is(false));
    }
  }

  private Result run(String command, String... options) throws IOException, InterruptedException {
    List<String> args = new java.util.ArrayList<>(List.of("bash", SCRIPT.toString(), command,
        "--data-dir", dataDir.toString()));
    args.addAll(List.of(options));
    Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(150, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("services.sh " + command + " did not finish");
    }
    return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }

  private static Map<String, String> readEnv(Path file) throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      int eq = line.indexOf('=');
      env.put(line.substring(0, eq), line.substring(eq + 1));
    }
    return env;
  }

  private static int port(String address) {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  private static final class Result {
    final int exitCode;
    final String output;

    Result(int exitCode, String output) {
      this.exitCode = exitCode;
      this.output = output;
    }
  }
}
