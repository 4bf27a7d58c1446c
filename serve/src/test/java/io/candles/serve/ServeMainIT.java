package io.candles.serve;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;

import io.candles.process.Ports;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/** The server as a user starts it, in its own JVM: --help, a bad option, a database that is not there. */
public class ServeMainIT {

  private static String[] run(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(System.getProperty("java.home") + "/bin/java", "-cp",
        System.getProperty("java.class.path"), ServeMain.class.getName()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("did not exit");
    }
    return new String[] {Integer.toString(p.exitValue()), new String(p.getInputStream().readAllBytes(),
        StandardCharsets.UTF_8), new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)};
  }

  @Test
  public void helpBadOptionAndAMissingDatabaseAreEachWhatAUserNeeds() throws Exception {
    String[] help = run("--help");
    assertEquals("0", help[0]);
    assertThat(help[1], containsString("--jdbcUrl"));
    assertThat(help[1], containsString("SERVE_"));

    String[] bad = run("--prot", "80");
    assertEquals("2", bad[0]);
    assertEquals("one line: " + bad[2], 1, bad[2].strip().lines().count());
    assertThat(bad[2], startsWith("error: Unknown option"));

    int closed = Ports.free();
    String[] missing = run("--jdbcUrl", "jdbc:postgresql://127.0.0.1:" + closed + "/postgres", "--port", "0");
    assertEquals("1", missing[0]);
    assertEquals("one line: " + missing[2], 1, missing[2].strip().lines().count());
    assertThat(missing[2], startsWith("error: PostgreSQL not reachable at jdbc:postgresql://127.0.0.1:" + closed));
  }
}
