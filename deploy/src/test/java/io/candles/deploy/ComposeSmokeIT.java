package io.candles.deploy;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.candles.testkit.CandleReference;
import io.candles.testkit.CandleTable;
import io.candles.testkit.Database;
import io.candles.testkit.TickStream;
import io.candles.testkit.Topics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.Test;

/**
 * The production deployment started for real on a Docker engine: docker-compose.yml with
 * docker-compose.debian.yml (no container registry here), the ingester on the exchange simulator.
 * Built, brought up, every service healthy, candles for every pair in PostgreSQL, the Flink job
 * RUNNING per its REST API. Then, with ticks flowing throughout: a TaskManager killed (docker kill)
 * and the job recovering from its checkpoint; the JobManager restarted (docker-compose restart) and
 * the job keeper resubmitting the job from the newest retained checkpoint by itself; the whole stack
 * down and up again on its volumes (a host reboot), the same. At the end the ingester stops and the
 * candle table must equal the candles computed independently from every tick in the topic: no tick
 * lost or counted twice through all of it. 'down -v' must leave no container, network or volume.
 * Each phase's time is printed.
 */
public class ComposeSmokeIT {

  private static final Path ROOT = Paths.get("..").toAbsolutePath().normalize();
  private static final String PROJECT = "candles-smoke";
  private static final List<String> PAIRS = List.of("BTCUSDT", "ETHUSDT", "SOLUSDT");
  private static final String TABLE = "candle_stick_five_min";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Map<String, Long> timings = new LinkedHashMap<>();
  private long phaseStart = System.nanoTime();

  @Test
  public void theStackRecoversByItselfAndItsCandlesEqualTheTicksInKafka() throws Exception {
    Path work = Paths.get("target", "compose-smoke").toAbsolutePath();
    Files.createDirectories(work);
    requireDockerEngine(work);
    run(work, "scripts/docker-base-image.sh");
    Path secrets = work.resolve("secrets");
    run(work, "scripts/compose-secrets.sh", secrets.toString());

    int kafkaPort = freePort();
    int flinkPort = freePort();
    int postgresPort = freePort();
    int servePort = freePort();
    Map<String, String> env = new HashMap<>();
    env.put("SECRETS_DIR", secrets.toString());
    env.put("KAFKA_PORT", Integer.toString(kafkaPort));
    env.put("FLINK_UI_PORT", Integer.toString(flinkPort));
    env.put("POSTGRES_PORT", Integer.toString(postgresPort));
    env.put("SERVE_PORT", Integer.toString(servePort));
    env.put("COMPOSE_PROFILES", "simulator");
    env.put("EXCHANGE", "simulator");
    env.put("EXCHANGE_ENDPOINT", "ws://simulator:9443");
    env.put("PAIRS", String.join(",", PAIRS));
    env.put("SIM_RATE", "1200");
    // A new random walk and new arrivals each run; the seed is printed to replay one.
    long seed = new java.util.Random().nextInt(1_000_000);
    env.put("SIM_SEED", Long.toString(seed));
    System.out.println("compose smoke test: simulator seed " + seed + " (SIM_SEED)");
    Compose compose = new Compose(ROOT, PROJECT, List.of("docker-compose.yml", "docker-compose.debian.yml"), env,
        work.resolve("compose.log"));
    String flink = "http://127.0.0.1:" + flinkPort;
    Database reader = new Database("jdbc:postgresql://127.0.0.1:" + postgresPort + "/candles",
        "candles_reader", Files.readString(secrets.resolve("reader_password")).trim());

    // A run that died before its 'down -v' must not stand in the way.
    compose.run(Duration.ofMinutes(3), "down", "-v", "--remove-orphans");
    phaseStart = System.nanoTime();
    try {
      compose.run(Duration.ofMinutes(20), "build");
      phase("build the images");

      compose.run(Duration.ofMinutes(5), "up", "-d", "--scale", "taskmanager=2");
      compose.awaitHealthy(Duration.ofMinutes(6));
      phase("up, every service healthy");

      String first = awaitJobRunning(flink, Set.of(), compose);
      awaitCandlesForEveryPair(reader, compose);
      phase("the job RUNNING, candles for every pair");

      // A TaskManager killed mid-stream, after a checkpoint: the job restores from it on the other one.
      await("a completed checkpoint of job " + first, () -> checkpoints(flink, first).path("counts")
          .path("completed").asLong() >= 1, Duration.ofMinutes(2), compose);
      List<String> taskManagers = compose.containers("taskmanager");
      assertThat(taskManagers, hasSize(2));
      compose.docker(Duration.ofMinutes(1), "kill", taskManagers.get(0));
      await("job " + first + " restored from a checkpoint and running again",
          () -> checkpoints(flink, first).path("counts").path("restored").asLong() >= 1
              && fullyRunning(flink, first), Duration.ofMinutes(4), compose);
      compose.docker(Duration.ofMinutes(1), "start", taskManagers.get(0));
      compose.awaitHealthy(Duration.ofMinutes(3));
      phase("a TaskManager killed: the job recovered");

      // The JobManager restarted: it forgets its jobs; the keeper resubmits from the newest checkpoint.
      long before = CandleTable.tickCountSum(reader, TABLE);
      compose.run(Duration.ofMinutes(3), "restart", "jobmanager");
      String second = awaitJobRunning(flink, Set.of(first), compose);
      assertRestoredFromACheckpoint(flink, second, first);
      awaitMoreTicks(reader, before, compose);
      compose.awaitHealthy(Duration.ofMinutes(3));
      phase("the JobManager restarted: the job resumed by itself");

      // A host reboot: everything down, the volumes kept, and up again. The keeper resumes from the
      // newest checkpoint, which is the second job's once it has completed one.
      await("a completed checkpoint of job " + second, () -> checkpoints(flink, second).path("counts")
          .path("completed").asLong() >= 1, Duration.ofMinutes(2), compose);
      before = CandleTable.tickCountSum(reader, TABLE);
      compose.run(Duration.ofMinutes(5), "down");
      assertThat("the volumes outlive 'down'", resources("volume"), hasSize(3));
      compose.run(Duration.ofMinutes(5), "up", "-d", "--scale", "taskmanager=2");
      compose.awaitHealthy(Duration.ofMinutes(6));
      String third = awaitJobRunning(flink, Set.of(first, second), compose);
      assertRestoredFromACheckpoint(flink, third, second);
      awaitMoreTicks(reader, before, compose);
      phase("down and up: the job resumed by itself");

      // The end of the stream: the ingester stops (flushing what it received), the topic is complete.
      compose.run(Duration.ofMinutes(2), "stop", "ingester");
      List<TickStream.Sent> ticks = Topics.ticks("127.0.0.1:" + kafkaPort, "ticks");
      assertThat(ticks.size(), greaterThan(2000));
      assertEquals(new TreeSet<>(PAIRS), ticks.stream().map(TickStream.Sent::pair).collect(Collectors.toCollection(TreeSet::new)));
      // The reboot interrupts the feed: the ingester marks it in the topic as gap records (the old
      // process while the simulator stops before it, the new one from where the old one left off),
      // and the candles carry them, so the reference does too: all but those the pipeline found
      // too late for their windows and dead-lettered.
      String kafka = "127.0.0.1:" + kafkaPort;
      Map<String, List<long[]>> gaps = Topics.gaps(kafka, "ticks");
      assertTheRebootIsMarked(ticks, gaps);
      Map<String, List<long[]>> accepted = withoutLateGaps(gaps, Topics.deadLetters(kafka, "ticks-dlq"));
      System.out.println("compose smoke test: gap records per pair " + gaps.entrySet().stream()
          .map(e -> e.getKey() + "=" + e.getValue().size() + " (" + accepted.getOrDefault(e.getKey(), List.of())
              .size() + " not late)").collect(Collectors.joining(", ")));
      awaitTableEqualsReference(reader, CandleReference.withGaps(CandleReference.candles(ticks), accepted),
          Duration.ofMinutes(3), compose);
      System.out.println("compose smoke test: " + ticks.size() + " ticks, "
          + CandleTable.read(reader, TABLE).size() + " candles, equal to the reference");
      phase("the candle table equals the reference from the topic");

      assertServedKlinesEqualTheTable("http://127.0.0.1:" + servePort, reader);
      phase("the candle server's klines equal the table");
    } finally {
      compose.run(Duration.ofMinutes(5), "down", "-v", "--remove-orphans");
      phase("down -v");
      printTimings(work);
    }
    assertThat("containers left", resources("container"), empty());
    assertThat("networks left", resources("network"), empty());
    assertThat("volumes left", resources("volume"), empty());
    // Images rebuilt by this run leave their predecessors untagged: those are of no use.
    Compose.exec(ROOT, List.of("docker", "image", "prune", "-f", "--filter", "label=io.candles.image"), Map.of(),
        Duration.ofMinutes(2));
  }

  // ------------------------------------------------------------------ the engine and the host

  private static void requireDockerEngine(Path work) {
    Compose.Result info = Compose.exec(ROOT, List.of("docker", "info"), Map.of(), Duration.ofSeconds(60));
    if (info.code() != 0) {
      throw new AssertionError("no Docker engine answers ('docker info' failed): start one first, as .ci/run "
          + "does (apt-get install docker.io docker-compose debootstrap, then dockerd). " + info.output().lines()
          .reduce((a, b) -> b).orElse(""));
    }
  }

  private static void run(Path work, String script, String... args) {
    List<String> command = new ArrayList<>(List.of(ROOT.resolve(script).toString()));
    command.addAll(List.of(args));
    Compose.Result r = Compose.exec(ROOT, command, Map.of(), Duration.ofMinutes(15));
    if (r.code() != 0) {
      throw new AssertionError(script + " failed with exit code " + r.code() + ":\n" + r.output());
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** The project's containers, networks or volumes that exist. */
  private static List<String> resources(String kind) {
    List<String> command = switch (kind) {
      case "container" -> List.of("docker", "ps", "-a", "-q", "--filter", "label=com.docker.compose.project=" + PROJECT);
      default -> List.of("docker", kind, "ls", "-q", "--filter", "label=com.docker.compose.project=" + PROJECT);
    };
    Compose.Result r = Compose.exec(ROOT, command, Map.of(), Duration.ofMinutes(1));
    assertEquals(r.output(), 0, r.code());
    return r.output().lines().filter(l -> !l.isBlank()).toList();
  }

  // ------------------------------------------------------------------ Flink's REST API

  private static Optional<JsonNode> get(String url) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
          .build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? Optional.of(JSON.readTree(r.body())) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private static JsonNode checkpoints(String flink, String job) {
    return get(flink + "/jobs/" + job + "/checkpoints").orElse(JSON.createObjectNode());
  }

  private static boolean fullyRunning(String flink, String job) {
    return get(flink + "/jobs/" + job).map(j -> {
      if (!"RUNNING".equals(j.path("state").asText())) {
        return false;
      }
      for (JsonNode v : j.path("vertices")) {
        if (!"RUNNING".equals(v.path("status").asText())) {
          return false;
        }
      }
      return j.path("vertices").size() > 0;
    }).orElse(false);
  }

  /** Waits for a job named candles, other than those given, to run all its tasks; the only active one. */
  private String awaitJobRunning(String flink, Set<String> earlier, Compose compose) throws InterruptedException {
    String[] found = new String[1];
    await("a new job 'candles' running all its tasks", () -> {
      List<String> active = new ArrayList<>();
      for (JsonNode j : get(flink + "/jobs/overview").map(o -> o.path("jobs")).orElse(JSON.createArrayNode())) {
        String state = j.path("state").asText();
        if (j.path("name").asText().equals("candles") && !Set.of("FINISHED", "CANCELED", "FAILED").contains(state)) {
          active.add(j.path("jid").asText());
        }
      }
      assertTrue("never two active jobs: " + active, active.size() <= 1);
      if (active.size() == 1 && !earlier.contains(active.get(0)) && fullyRunning(flink, active.get(0))) {
        found[0] = active.get(0);
        return true;
      }
      return false;
    }, Duration.ofMinutes(6), compose);
    return found[0];
  }

  /**
   * The candle server, logged in as the read-only role with its password from the secret file,
   * serves every candle of every pair as Binance's kline, equal to the table's row.
   */
  private static void assertServedKlinesEqualTheTable(String serve, Database reader) {
    List<CandleTable.Row> table = CandleTable.read(reader, TABLE);
    for (String pair : PAIRS) {
      List<CandleTable.Row> rows = table.stream().filter(r -> r.pair().equals(pair)).toList();
      JsonNode klines = get(serve + "/api/v3/klines?symbol=" + pair + "&interval=5m&step=1m&limit=1000"
          + "&startTime=0&extended=true").orElseThrow(() -> new AssertionError("the candle server at " + serve
              + " did not answer for " + pair));
      assertEquals(pair + ": a kline for every row", rows.size(), klines.size());
      for (int i = 0; i < rows.size(); i++) {
        CandleTable.Row r = rows.get(i);
        JsonNode k = klines.get(i);
        String at = pair + " " + java.time.Instant.ofEpochMilli(r.openTime()) + ": ";
        assertEquals(at + "open time", r.openTime(), k.get(0).asLong());
        assertEquals(at + "open", 0, r.open().compareTo(new java.math.BigDecimal(k.get(1).asText())));
        assertEquals(at + "high", 0, r.high().compareTo(new java.math.BigDecimal(k.get(2).asText())));
        assertEquals(at + "low", 0, r.low().compareTo(new java.math.BigDecimal(k.get(3).asText())));
        assertEquals(at + "close", 0, r.close().compareTo(new java.math.BigDecimal(k.get(4).asText())));
        assertEquals(at + "ticks", r.count(), k.get(8).asLong());
        assertEquals(at + "final", r.isFinal(), k.get(12).get("isFinal").asBoolean());
      }
    }
  }

  private static void assertRestoredFromACheckpoint(String flink, String job, String previous) {
    String restored = checkpoints(flink, job).path("latest").path("restored").path("external_path").asText("");
    assertThat("job " + job + " was restored from a checkpoint", restored, not(""));
    assertTrue("restored from the previous job's checkpoint: " + restored, restored.contains("/" + previous + "/chk-"));
  }

  // ------------------------------------------------------------------ feed gaps

  /**
   * The reboot is each pair's longest silence between ticks; the gap records must cover it, up to
   * two seconds at its ends (the exchange's own latency and the first frame after the restart).
   */
  private static void assertTheRebootIsMarked(List<TickStream.Sent> ticks, Map<String, List<long[]>> gaps) {
    for (String pair : PAIRS) {
      List<Long> times = ticks.stream().filter(t -> t.pair().equals(pair)).map(TickStream.Sent::eventTime)
          .sorted().toList();
      long from = 0;
      long to = 0;
      for (int i = 1; i < times.size(); i++) {
        if (times.get(i) - times.get(i - 1) > to - from) {
          from = times.get(i - 1);
          to = times.get(i);
        }
      }
      long covered = 0;
      List<long[]> sorted = new ArrayList<>(gaps.getOrDefault(pair, List.of()));
      sorted.sort((a, b) -> Long.compare(a[0], b[0]));
      long reached = from;
      for (long[] g : sorted) {
        long start = Math.max(g[0], reached);
        long end = Math.min(g[1], to);
        if (end > start) {
          covered += end - start;
          reached = end;
        }
      }
      assertThat(pair + ": the reboot, " + (to - from) + " ms without ticks from "
          + java.time.Instant.ofEpochMilli(from) + ", is marked by gap records (" + covered + " ms of it)",
          covered, greaterThan(to - from - 2_000));
    }
  }

  /** The gaps less those the pipeline dead-lettered as late (their raw record names pair, start and end). */
  private static Map<String, List<long[]>> withoutLateGaps(Map<String, List<long[]>> gaps, List<Topics.Letter> dlq) {
    Set<String> late = new java.util.HashSet<>();
    for (Topics.Letter l : dlq) {
      if ("late".equals(l.reason()) && l.raw() != null) {
        try {
          JsonNode n = JSON.readTree(l.raw());
          if (!"gap".equals(n.path("kind").asText())) {
            continue;
          }
          late.add(n.path("pair").asText() + "|" + java.time.Instant.parse(n.path("gap_start").asText()).toEpochMilli()
              + "|" + java.time.Instant.parse(n.path("gap_end").asText()).toEpochMilli());
        } catch (IOException e) {
          throw new AssertionError("a late gap's raw record that is not JSON: " + l.raw(), e);
        }
      }
    }
    Map<String, List<long[]>> out = new java.util.TreeMap<>();
    gaps.forEach((pair, list) -> out.put(pair, list.stream()
        .filter(g -> !late.contains(pair + "|" + g[0] + "|" + g[1])).toList()));
    return out;
  }

  // ------------------------------------------------------------------ the candle table

  private static void awaitCandlesForEveryPair(Database reader, Compose compose) throws InterruptedException {
    await("candles for every pair", () -> {
      Set<String> pairs = CandleTable.read(reader, TABLE).stream().map(CandleTable.Row::pair).collect(Collectors.toSet());
      return pairs.containsAll(PAIRS);
    }, Duration.ofMinutes(3), compose);
  }

  private static void awaitMoreTicks(Database reader, long before, Compose compose) throws InterruptedException {
    await("candles resuming (more ticks in the table than " + before + ")",
        () -> CandleTable.tickCountSum(reader, TABLE) > before, Duration.ofMinutes(3), compose);
  }

  /**
   * Every row equal to the reference; is_final as the watermark allows: true for a window that ended
   * more than 20 s ago (the ingester is stopped, so idle partitions let the watermark pass), false for
   * one that has not ended yet.
   */
  private static void awaitTableEqualsReference(Database reader, List<CandleTable.Row> reference,
      Duration timeout, Compose compose) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String difference = "";
    while (System.nanoTime() < deadline) {
      long now = System.currentTimeMillis();
      List<CandleTable.Row> actual = CandleTable.read(reader, TABLE);
      List<String> finalTooSoon = actual.stream().filter(r -> r.isFinal() && r.closeTime() > now)
          .map(Object::toString).toList();
      assertThat("final before its window ended", finalTooSoon, empty());
      List<CandleTable.Row> expected = settled(reference, now);
      List<CandleTable.Row> got = settled(actual, now);
      if (got.equals(expected)) {
        return;
      }
      difference = CandleTable.difference(expected, got);
      Thread.sleep(2000);
    }
    throw new AssertionError(difference + "\n" + compose.logs());
  }

  /** Rows whose window ended less than 20 s ago count as not final, whatever they say. */
  private static List<CandleTable.Row> settled(List<CandleTable.Row> rows, long now) {
    return rows.stream().map(r -> CandleReference.finalOnlyBy(r, now - 20_000)).toList();
  }

  // ------------------------------------------------------------------ waiting and timing

  private static void await(String what, Supplier<Boolean> condition, Duration timeout, Compose compose)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.get()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + ": not within " + timeout + "\n" + compose.logs());
      }
      Thread.sleep(2000);
    }
  }

  private void phase(String name) {
    long now = System.nanoTime();
    timings.put(name, (now - phaseStart) / 1_000_000);
    System.out.printf("compose smoke test: %-55s %6.1f s%n", name, (now - phaseStart) / 1e9);
    phaseStart = now;
  }

  private void printTimings(Path work) throws IOException {
    StringBuilder out = new StringBuilder();
    long total = 0;
    for (Map.Entry<String, Long> t : timings.entrySet()) {
      out.append(String.format("%-55s %6.1f s%n", t.getKey(), t.getValue() / 1e3));
      total += t.getValue();
    }
    out.append(String.format("%-55s %6.1f s%n", "total", total / 1e3));
    Files.writeString(work.resolve("timings.txt"), out.toString(), StandardCharsets.UTF_8);
    System.out.print(out);
  }
}
