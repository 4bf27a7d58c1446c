package io.candles.ingest;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

import io.candles.devservices.KafkaBroker;
import io.candles.ingest.testing.JsonText;
import io.candles.testkit.Await;
import io.candles.ingest.testing.BrokerRule;
import io.candles.ingest.testing.Http;
import io.candles.ingest.testing.KafkaTopics;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The ingester's main as a process: exit codes, one-line errors, and the simulator demo with a clean SIGTERM. */
public class IngestMainIT {
  /** One broker for the tests that need one, started on first use. */
  @ClassRule
  public static final BrokerRule BROKER = new BrokerRule();

  @Rule
  public final TemporaryFolder tmp = new TemporaryFolder();

  private Process process;

  @After
  public void tearDown() throws Exception {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private record Result(int exit, String stdout, List<String> stderr) {}

  private Process launch(Path out, Path err, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), IngestMain.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
  }

  /** As the README runs it: the runnable jar the build makes (the integration tests run after it). */
  private Process launchJar(Path out, Path err, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", Path.of("target", "candles-ingest.jar").toAbsolutePath().toString()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
  }

  private Result run(String... args) throws Exception {
    Path out = tmp.newFile().toPath();
    Path err = tmp.newFile().toPath();
    process = launch(out, err, args);
    assertThat("exits", process.waitFor(60, TimeUnit.SECONDS), is(true));
    List<String> errLines = new ArrayList<>();
    for (String l : Files.readAllLines(err, StandardCharsets.UTF_8)) {
      if (!l.isBlank()) {
        errLines.add(l);
      }
    }
    return new Result(process.exitValue(), Files.readString(out), errLines);
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  public void helpListsEveryOptionAndExitsZero() throws Exception {
    Result r = run("--help");
    assertThat(r.exit(), is(0));
    assertThat(r.stdout(), containsString("--bootstrapServers <value>"));
    assertThat(r.stdout(), containsString("[default: localhost:9092]"));
    assertThat(r.stdout(), containsString("--exchange"));
  }

  @Test
  public void aBadOptionIsOneLineAndExitTwo() throws Exception {
    Result r = run("--exchange", "kraken");
    assertThat(r.exit(), is(2));
    assertThat(r.stderr(), is(List.of("ingest: --exchange: \"kraken\" is not one of binance, binance-futures,"
        + " simulator; run with --help to list options")));
  }

  @Test
  public void aNonLoopbackListenerWithoutATokenIsRefusedInOneLine() throws Exception {
    Result r = run("--httpHost", "0.0.0.0");
    assertThat(r.exit(), is(2));
    assertThat(r.stderr(), is(List.of("ingest: --httpHost 0.0.0.0 is not a loopback address, and POST /start and"
        + " /stop would be open to anyone who reaches it: pass --token (or INGEST_TOKEN), or listen on 127.0.0.1;"
        + " run with --help to list options")));
  }

  @Test
  public void aBadProducerSettingIsOneLineAndExitTwo() throws Exception {
    Result r = run("--producer", "acks=banana");
    assertThat(r.exit(), is(2));
    assertThat(r.stderr(), is(List.of("ingest: --producer acks=banana: Invalid value banana for configuration acks:"
        + " String must be one of: all, -1, 0, 1; pass a valid value or drop it; run with --help to list options")));
  }

  @Test
  public void producerSettingsTheProducerItselfRefusesAreOneLineAndExitTwo() throws Exception {
    // Each value is valid alone; the producer refuses the combination with idempotence.
    Result r = run("--exchange", "simulator", "--bootstrapServers", BROKER.bootstrapServers(), "--httpPort", "0",
        "--producer", "max.in.flight.requests.per.connection=6");
    assertThat(r.exit(), is(2));
    String last = r.stderr().get(r.stderr().size() - 1);
    assertThat(last, is("ingest: the Kafka producer refuses its settings (--producer and the ingester's own): Must"
        + " set max.in.flight.requests.per.connection to at most 5 to use the idempotent producer.; fix or drop the"
        + " --producer setting it names"));
    for (String line : r.stderr()) {
      assertThat("no stack trace: " + r.stderr(), line.startsWith("\tat ") || line.contains("Exception"), is(false));
    }
  }

  @Test
  public void anUnreachableBrokerIsOneLineAndExitThree() throws Exception {
    int port = freePort();
    Result r = run("--bootstrapServers", "127.0.0.1:" + port, "--brokerTimeout", "2s", "--httpPort", "0");
    assertThat(r.exit(), is(3));
    assertThat(r.stderr().toString(), r.stderr().size(), is(1));
    assertThat(r.stderr().get(0), is("ingest: cannot reach the Kafka broker at 127.0.0.1:" + port
        + " within 2 s (--bootstrapServers); start the broker or pass --bootstrapServers host:port of a running one"));
  }

  @Test
  public void aBusyRestPortIsOneLineAndExitThree() throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      Result r = run("--exchange", "simulator", "--bootstrapServers", BROKER.bootstrapServers(),
          "--httpPort", Integer.toString(busy.getLocalPort()));
      assertThat(r.exit(), is(3));
      assertThat(r.stderr().get(r.stderr().size() - 1), is("ingest: cannot listen for REST on 127.0.0.1:"
          + busy.getLocalPort() + " (Address already in use); pass another --httpPort or --httpHost"));
      // Only the topic creation was logged before it.
      assertThat(r.stderr().toString(), r.stderr().size() <= 2, is(true));
    }
  }

  @Test
  public void theRunnableJarStreamsTheSimulatorIntoKafkaAndShutsDownCleanlyOnSigterm() throws Exception {
    KafkaBroker broker = BROKER.broker();
    int httpPort = freePort();
    Path out = tmp.newFile().toPath();
    Path err = tmp.newFile().toPath();
    process = launchJar(out, err, "--exchange", "simulator", "--pairs", "BTCUSDT,ETHUSDT", "--simRate", "3000",
        "--bootstrapServers", broker.bootstrapServers(), "--topic", "demo", "--dlqTopic", "demo-dlq",
        "--httpPort", Integer.toString(httpPort));
    Await.until("ticks acknowledged", 60_000, () -> {
      try {
        JsonText s = JsonText.parse(Http.get(httpPort, "/status").body());
        return Long.parseLong(s.object("kafka").text("ticks_acked")) > 200;
      } catch (Exception e) {
        return false; // not listening yet
      }
    }, () -> readQuietly(err));
    assertThat(Http.get(httpPort, "/health").statusCode(), is(200));
    process.destroy(); // SIGTERM
    assertThat(process.waitFor(60, TimeUnit.SECONDS), is(true));
    assertThat(process.exitValue(), is(143)); // terminated by SIGTERM, after the shutdown hook ran
    String log = readQuietly(err);
    assertThat(log, containsString("created topic(s) [demo, demo-dlq]"));
    assertThat(log, containsString("everything received was acknowledged"));
    assertThat(KafkaTopics.count(broker.bootstrapServers(), "demo"), greaterThan(200L));
    assertThat(KafkaTopics.count(broker.bootstrapServers(), "demo-dlq"), is(0L));
  }

  private static String readQuietly(Path p) {
    try {
      return Files.readString(p);
    } catch (Exception e) {
      return "";
    }
  }
}
