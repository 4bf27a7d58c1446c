package io.candles.serve;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.Test;

public class ServeOptionsTest {

  @Test
  public void theDefaultsAreLocalhostOnlyWithNoTokenAndBinancesPingSchedule() throws Exception {
    ServeOptions.Settings s = ServeOptions.parse(Map.of());
    assertEquals("127.0.0.1", s.host());
    assertEquals(8080, s.port());
    assertEquals("candles_reader", s.jdbcUser());
    assertEquals("", s.token());
    assertEquals(Duration.ofSeconds(20), s.pingInterval());
    assertEquals(Duration.ofSeconds(60), s.pongTimeout());
  }

  @Test
  public void everyOptionCanComeFromTheEnvironmentAndTheCommandLineWins() throws Exception {
    ServeOptions.Settings s = ServeOptions.parse(Map.of("SERVE_JDBC_URL", "jdbc:postgresql://db:5432/candles",
        "SERVE_TOKEN", "t0k", "SERVE_PORT", "9000", "SERVE_PING_INTERVAL", "5s"), "--port", "9100");
    assertEquals("jdbc:postgresql://db:5432/candles", s.jdbcUrl());
    assertEquals("t0k", s.token());
    assertEquals(9100, s.port());
    assertEquals(Duration.ofSeconds(5), s.pingInterval());
    assertEquals("SERVE_SETUP_JDBC_PASSWORD", ServeOptions.variable("--setupJdbcPassword"));
  }

  @Test
  public void anOptionCanComeFromAFileThatItsVariableNamesAsDockerSecretsDo() throws Exception {
    java.nio.file.Path secret = java.nio.file.Files.createTempFile("reader", ".secret");
    try {
      java.nio.file.Files.writeString(secret, "s3cret\n");
      ServeOptions.Settings s = ServeOptions.parse(Map.of("SERVE_JDBC_PASSWORD_FILE", secret.toString()));
      assertEquals("the file's content, without its line end", "s3cret", s.jdbcPassword());
      ServeOptions.Settings direct = ServeOptions.parse(Map.of("SERVE_JDBC_PASSWORD_FILE", secret.toString(),
          "SERVE_JDBC_PASSWORD", "given"));
      assertEquals("the variable itself wins", "given", direct.jdbcPassword());
    } finally {
      java.nio.file.Files.delete(secret);
    }
    ServeOptions.BadOption e = assertThrows(ServeOptions.BadOption.class,
        () -> ServeOptions.parse(Map.of("SERVE_TOKEN_FILE", "/nonexistent/token")));
    assertThat(e.getMessage(), containsString("SERVE_TOKEN_FILE (/nonexistent/token)"));
    assertFalse(e.getMessage().contains("\n"));
  }

  @Test
  public void aBadOptionIsOneLineSayingWhatIsWrong() {
    for (String[] args : new String[][] {{"--bogus"}, {"--port", "http"}, {"--port", "70000"},
        {"--jdbcUrl", "mysql://x"}, {"--pingInterval", "soon"}, {"--pongTimeout", "10s"}, {"--poolSize", "0"},
        {"--port"}}) {
      ServeOptions.BadOption e = assertThrows(String.join(" ", args), ServeOptions.BadOption.class,
          () -> ServeOptions.parse(Map.of(), args));
      assertFalse(String.join(" ", args) + ": " + e.getMessage(), e.getMessage().contains("\n"));
      assertThat(e.getMessage(), containsString(args[0].equals("--pongTimeout") ? "--pongTimeout" : args[0]));
    }
  }

  @Test
  public void helpListsEveryOptionAndSaysNothingSecretIsPrinted() {
    String usage = ServeOptions.usage();
    for (String o : new String[] {"--host", "--port", "--jdbcUrl", "--jdbcUser", "--jdbcPassword", "--setupJdbcUser",
        "--setupJdbcPassword", "--token", "--poolSize", "--maxClients", "--pingInterval", "--pongTimeout",
        "--slowClientTimeout", "--help"}) {
      assertThat(usage, containsString(o));
    }
    assertTrue(ServeOptions.wantsHelp("--port", "1", "--help"));
    ServeOptions.Settings s = ServeOptions.Settings.defaults("jdbc:postgresql://x/y", "r", "pw-secret")
        .withToken("tok-secret").withSetup("owner", "owner-secret");
    assertFalse(s.toString().contains("secret"));
  }
}
