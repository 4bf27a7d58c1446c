package io.candles.ingest;

import io.candles.contract.Tick;
import io.candles.contract.TickJson;
import io.candles.devservices.KafkaBroker;
import io.candles.ingest.cli.Arguments;
import io.candles.ingest.cli.Values;
import io.candles.ingest.exchange.binance.BinanceAdapter;
import io.candles.ingest.kafka.PublisherStats;
import io.candles.simulator.ExchangeSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The ingester's benchmark (run by {@code scripts/bench-ingest.sh}): the exchange simulator at a
 * given load, through the real ingester, into a real broker, read back by a consumer. Prints what
 * was sent, acknowledged and consumed per second over the measured window, and latency percentiles
 * from the simulator's send time (the futures form's {@code E}, stamped just before the frame is
 * written) to: the ingester's receive ({@code ingest_time}), the broker's append (the topic uses
 * LogAppendTime, so the record timestamp is the broker's) and the consumer's receive. All clocks
 * are this machine's, in milliseconds. Ends with a correctness check: every tick sent consumed
 * once, in order per pair.
 */
public final class IngestBench {
  @Command(name = "scripts/bench-ingest.sh", separator = " ", sortOptions = false,
      description = {"Benchmarks the ingester: simulator -> ingester -> Kafka -> consumer, on this machine.", ""})
  static final class Args {
    @Option(names = "--pairs", paramLabel = "<value>", description = "pairs to stream [default: ${DEFAULT-VALUE}]")
    String pairs = "50";

    @Option(names = "--rate", paramLabel = "<value>", description = "ticks per minute per pair [default: ${DEFAULT-VALUE}]")
    String rate = "25000";

    @Option(names = "--warmup", paramLabel = "<value>", description = "run this long before measuring [default: ${DEFAULT-VALUE}]")
    String warmup = "5s";

    @Option(names = "--duration", paramLabel = "<value>", description = "measure this long [default: ${DEFAULT-VALUE}]")
    String duration = "30s";

    @Option(names = "--queueCapacity", paramLabel = "<value>", description = "the ingester's buffer [default: ${DEFAULT-VALUE}]")
    String queueCapacity = "100000";

    @Option(names = "--dataDir", paramLabel = "<value>",
        description = "where the broker keeps its data (default: a temporary directory)")
    String dataDir = "";

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this and exit")
    boolean help;
  }

  private IngestBench() {}

  public static void main(String[] args) throws Exception {
    Args a = new Args();
    CommandLine cl = Arguments.command(a);
    if (Arguments.wantsHelp(args)) {
      System.out.print(cl.getUsageMessage());
      return;
    }
    Arguments.parse(cl, args);
    int pairCount = Values.integer("pairs", a.pairs, 1, 1024);
    int rate = Values.integer("rate", a.rate, 1, 6_000_000);
    Duration warmup = Values.duration("warmup", a.warmup, Duration.ZERO);
    Duration duration = Values.duration("duration", a.duration, Duration.ofSeconds(1));
    Path dir = a.dataDir.isEmpty() ? Files.createTempDirectory("ingest-bench") : Path.of(a.dataDir);
    List<String> pairs = IngestThroughputIT.pairs(pairCount);

    KafkaBroker broker = KafkaBroker.start(Files.createDirectories(dir.resolve("kafka")));
    ExchangeSimulator sim = null;
    Ingester ingester = null;
    Reader reader = null;
    try {
      String bootstrap = broker.bootstrapServers();
      createTopics(bootstrap);
      sim = ExchangeSimulator.start("127.0.0.1", 0, ExchangeSimulator.Config.of(pairs, rate).futuresFormat());
      sim.pause();
      IngestOptions options = IngestOptions.parse(new String[] {
          "--exchange", "binance-futures", "--pairs", String.join(",", pairs), "--bootstrapServers", bootstrap,
          "--queueCapacity", a.queueCapacity, "--shutdownTimeout", "60s"}, Map.of());
      ingester = Ingester.create(options, BinanceAdapter.futures(), sim.endpoint());
      reader = new Reader(bootstrap);
      reader.start();
      ingester.start();
      while (sim.openConnections() < ingester.snapshot().connections().size()) {
        Thread.sleep(20);
      }
      Thread.sleep(300);

      System.out.printf("ingest bench: %d pairs x %,d ticks/min = %,.0f ticks/s offered; %d s warm-up, %d s"
          + " measured; %d cores%n", pairCount, rate, pairCount * rate / 60.0, warmup.toSeconds(),
          duration.toSeconds(), Runtime.getRuntime().availableProcessors());
      sim.resume();
      Thread.sleep(warmup.toMillis());
      long t0 = System.currentTimeMillis();
      reader.measureFrom(t0);
      long sent0 = sim.sentCount();
      long acked0 = ingester.publisherStats().ticksAcked();
      long consumed0 = reader.count();
      int maxDepth = 0;
      long end = System.nanoTime() + duration.toNanos();
      while (System.nanoTime() < end) {
        Thread.sleep(50);
        maxDepth = Math.max(maxDepth, ingester.publisherStats().queueDepth());
      }
      long t1 = System.currentTimeMillis();
      long sent1 = sim.sentCount();
      long acked1 = ingester.publisherStats().ticksAcked();
      long consumed1 = reader.count();
      reader.measureUntil(t1);
      sim.pause();
      Thread.sleep(200);
      long sent = sim.sentCount();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (reader.count() < sent && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      reader.finish();
      double seconds = (t1 - t0) / 1000.0;
      PublisherStats s = ingester.publisherStats();
      System.out.printf("%-34s %,12.0f%n", "sent/s (simulator)", (sent1 - sent0) / seconds);
      System.out.printf("%-34s %,12.0f%n", "acknowledged/s (Kafka, acks=all)", (acked1 - acked0) / seconds);
      System.out.printf("%-34s %,12.0f%n", "consumed/s", (consumed1 - consumed0) / seconds);
      System.out.printf("%-34s %,12d of %,d%n", "largest ingester buffer depth", maxDepth, s.queueCapacity());
      System.out.printf("%-34s %,12d%n", "reader waits for buffer room", s.queueFullWaits());
      System.out.printf("%-34s %8s %8s %8s %8s %8s  (ms, %,d ticks sent in the window)%n",
          "latency from the simulator's send", "p50", "p95", "p99", "p99.9", "max", reader.inWindow());
      reader.printLatencies();
      String problems = reader.check(sent);
      System.out.println("correct (every tick sent consumed once, in order per pair): "
          + (problems.isEmpty() ? "true" : "false: " + problems));
      if (!problems.isEmpty()) {
        System.exit(1);
      }
    } finally {
      if (ingester != null) {
        ingester.close();
      }
      if (reader != null) {
        reader.finish();
      }
      if (sim != null) {
        sim.close();
      }
      broker.stop();
    }
  }

  private static void createTopics(String bootstrap) throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(p)) {
      admin.createTopics(List.of(
          new NewTopic("ticks", 3, (short) 1).configs(Map.of("message.timestamp.type", "LogAppendTime")),
          new NewTopic("ticks-dlq", 3, (short) 1))).all().get();
    }
  }

  /** Reads the ticks topic as they arrive; keeps what the latencies and the check need. */
  private static final class Reader extends Thread {
    private final KafkaConsumer<String, String> consumer;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private volatile long consumed;
    // Reader thread only, until finish(); then read by main.
    private final Map<String, Long> lastIdByPair = new HashMap<>();
    private final List<String> problems = new ArrayList<>();
    private final long[][] latencies = new long[3][];
    private int n;
    private volatile long from = Long.MAX_VALUE;
    private volatile long to = Long.MAX_VALUE;

    Reader(String bootstrap) {
      super("bench-reader");
      setDaemon(true);
      Properties p = new Properties();
      p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
      p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
      consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
      List<TopicPartition> parts = consumer.partitionsFor("ticks", Duration.ofSeconds(30)).stream()
          .map(i -> new TopicPartition("ticks", i.partition())).collect(Collectors.toList());
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      for (int i = 0; i < 3; i++) {
        latencies[i] = new long[1 << 16];
      }
    }

    long count() {
      return consumed;
    }

    /** Ticks sent (by {@code E}) in {@code [from, to)} are the measured ones. */
    void measureFrom(long from) {
      this.from = from;
    }

    void measureUntil(long to) {
      this.to = to;
    }

    @Override
    public void run() {
      try {
        while (running.get()) {
          for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
            long received = System.currentTimeMillis();
            Tick t = TickJson.parse(r.value());
            Long last = lastIdByPair.put(t.pair(), t.updateId());
            if (last != null && t.updateId() <= last && problems.size() < 10) {
              problems.add(t.pair() + " update_id " + t.updateId() + " after " + last);
            }
            long e = t.eventTimeMillis();
            if (e >= from && e < to) {
              if (n == latencies[0].length) {
                for (int i = 0; i < 3; i++) {
                  latencies[i] = Arrays.copyOf(latencies[i], n * 2);
                }
              }
              latencies[0][n] = t.ingestTimeMillis() - e;
              latencies[1][n] = r.timestamp() - e;
              latencies[2][n] = received - e;
              n++;
            }
            consumed++;
          }
        }
      } catch (Exception e) {
        problems.add("the reader failed: " + e);
      } finally {
        consumer.close();
      }
    }

    void finish() throws InterruptedException {
      running.set(false);
      join(10_000);
    }

    int inWindow() {
      return n;
    }

    /** After {@link #finish()}. */
    void printLatencies() {
      String[] names = {"  to the ingester's receive", "  to the broker's append", "  to the consumer's receive"};
      for (int i = 0; i < 3; i++) {
        long[] l = Arrays.copyOf(latencies[i], n);
        Arrays.sort(l);
        System.out.printf("%-34s %8d %8d %8d %8d %8d%n", names[i], pct(l, 0.50), pct(l, 0.95), pct(l, 0.99),
            pct(l, 0.999), l.length == 0 ? -1 : l[l.length - 1]);
      }
    }

    private static long pct(long[] sorted, double q) {
      return sorted.length == 0 ? -1 : sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    }

    /** After {@link #finish()}: what is wrong, or empty. */
    String check(long sent) {
      List<String> all = new ArrayList<>(problems);
      if (consumed != sent) {
        all.add(0, "consumed " + consumed + " of " + sent + " sent");
      }
      return String.join("; ", all);
    }
  }
}
