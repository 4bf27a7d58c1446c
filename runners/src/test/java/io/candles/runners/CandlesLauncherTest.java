package io.candles.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;

import java.io.IOException;
import java.net.ServerSocket;
import org.junit.Test;

public class CandlesLauncherTest {

  @Test
  public void helpListsEveryOptionWithItsDefault() {
    LauncherOutput r = LauncherOutput.run("--help");
    assertEquals(0, r.exitCode());
    String[][] options = {
        {"bootstrapServers", "localhost:9092"}, {"topic", "ticks"}, {"dlqTopic", "ticks-dlq"},
        {"jdbcUrl", "jdbc:postgresql://localhost:5432/postgres"}, {"jdbcUser", "postgres"},
        {"jdbcPassword", "postgres"}, {"table", "candle_stick_five_min"}, {"windowSize", "5m"},
        {"windowPeriod", "1m"}, {"earlyFiringDelay", "100ms"}, {"allowedLateness", "1m"},
        {"maxOutOfOrderness", "2s"}, {"idleTimeout", "5s"}, {"jdbcBatchSize", "1000"},
        {"jdbcMaxBatchWait", "5ms"}, {"networkBufferTimeout", "10ms"}, {"topicPartitions", "3"},
        {"partialCandleInterval", "0ms"}};
    for (String[] o : options) {
      assertThat(r.out(), containsString("--" + o[0] + "="));
      assertThat("default of " + o[0], r.out(), containsString("Default: " + o[1]));
    }
  }

  @Test
  public void aBadDurationIsOneClearLine() {
    LauncherOutput r = LauncherOutput.run("--windowSize=five minutes");
    assertEquals(2, r.exitCode());
    assertEquals(r.err(), 1, r.errorLines());
    assertThat(r.err(), containsString("--windowSize=five minutes is not a duration"));
  }

  @Test
  public void aWindowThatIsNotAMultipleOfThePeriodIsRefused() {
    LauncherOutput r = LauncherOutput.run("--windowSize=5m", "--windowPeriod=2m");
    assertEquals(2, r.exitCode());
    assertThat(r.err(), containsString("multiple of the period"));
  }

  @Test
  public void aBadStartPointIsOneClearLine() {
    LauncherOutput r = LauncherOutput.run("--startFrom=yesterday");
    assertEquals(2, r.exitCode());
    assertEquals(r.err(), 1, r.errorLines());
    assertThat(r.err(), containsString("--startFrom=yesterday is not 'auto', 'earliest' or an ISO-8601 time"));
  }

  @Test
  public void anUnknownChoiceForDeletedTicksIsOneClearLine() {
    LauncherOutput r = LauncherOutput.run("--deletedTicks=ignore");
    assertEquals(2, r.exitCode());
    assertEquals(r.err(), 1, r.errorLines());
    assertThat(r.err(), containsString("--deletedTicks must be 'fail' or 'skip', not 'ignore'"));
  }

  @Test
  public void aNegativeClockSkewIsRefused() {
    LauncherOutput r = LauncherOutput.run("--maxClockSkew=-1s");
    assertEquals(2, r.exitCode());
    assertEquals(r.err(), 1, r.errorLines());
  }

  @Test
  public void aZeroJdbcBatchWaitIsRefused() {
    LauncherOutput r = LauncherOutput.run("--jdbcMaxBatchWait=0ms");
    assertEquals(2, r.exitCode());
    assertEquals(r.err(), 1, r.errorLines());
    assertThat(r.err(), containsString("--jdbcMaxBatchWait must be at least 1ms"));
  }

  @Test
  public void anUnreachableBrokerIsOneLineNamingTheAddress() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    String address = "127.0.0.1:" + closedPort;
    LauncherOutput r = LauncherOutput.run("--bootstrapServers=" + address);
    assertEquals(3, r.exitCode());
    // One line in all: no retry warnings from a Kafka client before it.
    assertEquals(r.err(), 1, r.err().lines().count());
    assertThat(r.err(), containsString("error: Kafka broker not reachable at " + address
        + " (--bootstrapServers)"));
    assertThat(r.err(), containsString("Connection refused"));
  }

  @Test
  public void anUnknownBrokerHostIsOneLineNamingTheHost() {
    String address = "no-such-broker.invalid:9092";
    LauncherOutput r = LauncherOutput.run("--bootstrapServers=" + address);
    assertEquals(r.err(), 3, r.exitCode());
    assertEquals(r.err(), 1, r.err().lines().count());
    assertThat(r.err(), containsString("error: Kafka broker not reachable at " + address
        + " (--bootstrapServers): unknown host no-such-broker.invalid"));
  }

  @Test
  public void aBrokerAddressWithoutAPortIsOneLine() {
    LauncherOutput r = LauncherOutput.run("--bootstrapServers=localhost");
    assertEquals(r.err(), 3, r.exitCode());
    assertEquals(r.err(), 1, r.err().lines().count());
    assertThat(r.err(), containsString("localhost is not host:port"));
  }
}
