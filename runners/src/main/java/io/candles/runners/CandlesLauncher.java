package io.candles.runners;

import io.candles.pipeline.TicksDeletedException;
import io.candles.pipeline.CandlePipeline;
import io.candles.pipeline.CandleSchema;
import io.candles.pipeline.CandleSettings;
import io.candles.pipeline.ResumePoint;
import io.candles.pipeline.ServiceUnavailableException;
import io.candles.process.WatchParent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Runs the candle pipeline: checks the options, the broker and the database (creating missing
 * topics and the candle table), then runs until stopped. On the DirectRunner by default:
 * {@code mvn -pl runners exec:java -Dexec.args="--bootstrapServers=... --jdbcUrl=..."}.
 * {@code --help} lists every option with its default.
 *
 * <p>With {@code --runner=FlinkRunner} the same pipeline runs on Apache Flink: in a mini-cluster in
 * this JVM ({@code --flinkMaster=[local]}, the default), or submitted to a session cluster
 * ({@code --flinkMaster=host:restPort}; the job is then detached and this JVM exits once it is
 * submitted). {@link FlinkDefaults} sets the streaming settings the user did not set. Inside
 * {@code mvn exec:java} the launcher re-runs itself in a plain JVM ({@link PlainJvm}).
 *
 * <p>An option missing from the command line is read from the environment variable named after it
 * ({@link EnvOptions}: BOOTSTRAP_SERVERS, JDBC_URL, FLINK_MASTER, ...), which is how containers
 * configure it.
 */
public final class CandlesLauncher {

  private CandlesLauncher() {}

  public static void main(String[] args) {
    WatchParent.fromSystemProperty();
    System.exit(run(args));
  }

  /** Runs the pipeline; returns the process exit code. */
  public static int run(String[] args) {
    return run(args, System.getenv());
  }

  /** Runs the pipeline with options from the command line, else from {@code env} (see {@link EnvOptions}). */
  static int run(String[] commandLine, Map<String, String> env) {
    PipelineOptionsFactory.register(LauncherOptions.class);
    List<String> fromEnvironment = new java.util.ArrayList<>();
    String[] args;
    try {
      args = EnvOptions.withEnvironment(commandLine, env, fromEnvironment);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    }
    if (Arrays.stream(args).anyMatch(a -> a.equals("--help") || a.equals("-h"))) {
      System.out.println("Candle pipeline: ticks from Kafka to sliding OHLC candles in PostgreSQL.");
      System.out.println("Usage: --option=value ... (every option below, with its default)");
      PipelineOptionsFactory.printHelp(System.out, LauncherOptions.class);
      System.out.println("On Apache Flink: --runner=FlinkRunner [--flinkMaster=[local]|host:restPort]; "
          + "every Flink runner option, with its default:");
      System.out.println("  --help=org.apache.beam.runners.flink.FlinkPipelineOptions");
      System.out.println("Options not on the command line are read from environment variables named after them: "
          + String.join(", ", EnvOptions.variables()) + "; or from the file that NAME" + EnvOptions.FILE_SUFFIX
          + " names (JDBC_PASSWORD" + EnvOptions.FILE_SUFFIX + "=/run/secrets/jdbc_password).");
      return 0;
    }
    Optional<String> helpFor = Arrays.stream(args).filter(a -> a.startsWith("--help="))
        .map(a -> a.substring("--help=".length())).findFirst();
    if (helpFor.isPresent()) {
      try {
        PipelineOptionsFactory.printHelp(System.out,
            Class.forName(helpFor.get()).asSubclass(org.apache.beam.sdk.options.PipelineOptions.class));
        return 0;
      } catch (ClassNotFoundException | ClassCastException e) {
        System.err.println("error: --help=" + helpFor.get() + " is not an options interface");
        return 2;
      }
    }
    if (isFlink(args)) {
      Optional<String> mavenClasspath = PlainJvm.mavenExecClasspath();
      if (mavenClasspath.isPresent()) {
        // The child inherits the environment: pass only the command line (no password from the
        // environment ends up on a command line that ps shows).
        return PlainJvm.run(mavenClasspath.get(), commandLine);
      }
    }
    if (!fromEnvironment.isEmpty()) {
      // Names only: a value may be a password.
      System.out.println("Options from the environment: " + String.join(", ", fromEnvironment));
    }
    LauncherOptions options;
    CandleSettings settings;
    List<String> flinkPipelineDefaults = List.of();
    try {
      options = PipelineOptionsFactory.fromArgs(args).withValidation().as(LauncherOptions.class);
      if (isFlink(args)) {
        // Before the settings are read from the options: they decide the trigger.
        flinkPipelineDefaults = FlinkDefaults.applyToPipeline(options, givenOptionNames(args));
      }
      settings = Preflight.options(options);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + firstLine(e.getMessage()) + " (see --help)");
      return 2;
    }
    if (isFlink(args)) {
      String savepoint = options.as(FlinkPipelineOptions.class).getSavepointPath();
      if (savepoint != null && !savepoint.isEmpty()) {
        try {
          Optional<String> refusal = SavepointReads.refusal(savepoint, options.getTopic(),
              options.getBootstrapServers(), CandlesLauncher.class.getClassLoader());
          if (refusal.isPresent()) {
            System.err.println("error: " + refusal.get());
            return 2;
          }
        } catch (IOException | RuntimeException e) {
          System.err.println("warning: cannot tell which topic and brokers the savepoint " + savepoint + " reads ("
              + firstLine(e.getMessage()) + "): a --topic or --bootstrapServers other than its own would not "
              + "take effect");
        }
      }
    }
    String table = settings.table();
    ResumePoint resume;
    try {
      Preflight.kafka(options.getBootstrapServers(), options.getTopic(),
          options.getTopicPartitions(), options.getDlqTopic());
      if (CandleTableAccess.writesWithoutOwning(settings.jdbc(), table)) {
        System.out.println("Candle table " + table + " is ready; user " + options.getJdbcUser()
            + " may write candles to it but not change it, so its schema is left to its owner (sql/roles.sql).");
        Preflight.windows(settings.jdbc(), table, settings.windowing());
      } else {
        Preflight.database(settings.jdbc(), table, settings.windowing());
      }
      resume = ResumePoint.resolve(options.getStartFrom(), settings.jdbc(), table,
          settings.windowing(), options.getBootstrapServers(), options.getTopic(), settings.deletedTicks());
    } catch (UncheckedIOException e) {
      if (!(e.getCause() instanceof TicksDeletedException)) {
        throw e;
      }
      System.err.println("error: " + e.getCause().getMessage());
      return 1;
    } catch (ServiceUnavailableException e) {
      System.err.println("error: " + e.getMessage());
      return 3;
    } catch (CandleSchema.WindowMismatchException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    }
    // One line that says where this run starts: a restart's cost and what it leaves alone.
    System.out.println("Start: " + resume.description());
    boolean flink = FlinkRunner.class.isAssignableFrom(options.getRunner());
    boolean detached = false;
    if (flink) {
      FlinkPipelineOptions flinkOptions = options.as(FlinkPipelineOptions.class);
      Set<String> given = givenOptionNames(args);
      List<String> applied = new java.util.ArrayList<>(flinkPipelineDefaults);
      applied.addAll(FlinkDefaults.apply(flinkOptions, given,
          topicPartitions(options.getBootstrapServers(), options.getTopic()),
          Preflight.networkBufferTimeout(options)));
      if (!applied.isEmpty()) {
        System.out.println("Flink settings (defaults of this launcher): " + String.join(" ", applied));
      }
      for (String warning : FlinkDefaults.warnings(flinkOptions)) {
        System.err.println("warning: " + warning);
      }
      if (given.contains("networkBufferTimeout") && given.contains("flinkConfDir")) {
        System.err.println("warning: --networkBufferTimeout has no effect with --flinkConfDir: set "
            + FlinkDefaults.BUFFER_TIMEOUT_KEY + " in that directory's config.yaml");
      }
      detached = !flinkOptions.getAttachedMode() && !FlinkDefaults.isLocal(flinkOptions);
    }
    if (DirectRunner.class.isAssignableFrom(options.getRunner())) {
      List<String> applied = DirectDefaults.apply(options.as(DirectOptions.class), givenOptionNames(args));
      if (!applied.isEmpty()) {
        System.out.println("DirectRunner settings (defaults of this launcher): " + String.join(" ", applied));
      }
    }
    Pipeline p = CandlePipeline.create(options, settings, resume);
    System.out.println("Candle pipeline " + (detached ? "submitted to " : "running on ")
        + options.getRunner().getSimpleName()
        + (flink ? " (" + options.as(FlinkPipelineOptions.class).getFlinkMaster() + ")" : "")
        + ": " + options.getBootstrapServers() + "/" + options.getTopic() + " -> "
        + options.getJdbcUrl() + " table " + table
        + (detached ? "." : ". Ctrl-C stops it."));
    PipelineResult result = p.run();
    if (detached) {
      String master = options.as(FlinkPipelineOptions.class).getFlinkMaster();
      String jobId = flinkJobId(result).orElse("?");
      // One line that scripts and tests can read.
      System.out.println("Flink job " + jobId + " submitted; web UI: http://"
          + master.replaceFirst("^https?://", "") + "/#/job/running/" + jobId + "/overview");
      return 0;
    }
    PipelineResult.State state;
    try {
      state = result.waitUntilFinish();
    } catch (RuntimeException e) {
      Optional<TicksDeletedException> deleted = causeOfType(e, TicksDeletedException.class);
      if (deleted.isEmpty()) {
        throw e;
      }
      // A user's decision to make, in one line: no stack trace.
      System.err.println("error: " + deleted.get().getMessage());
      return 1;
    }
    System.out.println("Candle pipeline ended: " + state);
    return state == PipelineResult.State.DONE ? 0 : 1;
  }

  /** Whether the arguments choose the Flink runner (by its short or full name). */
  static boolean isFlink(String[] args) {
    return Arrays.stream(args).anyMatch(a -> a.equals("--runner=FlinkRunner")
        || a.equals("--runner=" + FlinkRunner.class.getName()));
  }

  /** The names of the options on the command line ({@code --name=value} or {@code --name}). */
  static Set<String> givenOptionNames(String[] args) {
    Set<String> names = new LinkedHashSet<>();
    for (String a : args) {
      if (a.startsWith("--")) {
        int eq = a.indexOf('=');
        names.add(eq < 0 ? a.substring(2) : a.substring(2, eq));
      }
    }
    return names;
  }

  /** The partitions of the tick topic (Preflight has made sure it exists); empty if unknown. */
  static OptionalInt topicPartitions(String bootstrapServers, String topic) {
    try (Admin admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000))) {
      return OptionalInt.of(admin.describeTopics(List.of(topic)).allTopicNames()
          .get(10, TimeUnit.SECONDS).get(topic).partitions().size());
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return OptionalInt.empty();
    }
  }

  /** The Flink job id of a detached submission; Beam keeps its JobClient private. */
  private static Optional<String> flinkJobId(PipelineResult result) {
    try {
      Field field = result.getClass().getDeclaredField("jobClient");
      field.setAccessible(true);
      return Optional.of(((JobClient) field.get(result)).getJobID().toString());
    } catch (ReflectiveOperationException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The first of {@code e}'s causes (itself included) of {@code type}. */
  static <T extends Throwable> Optional<T> causeOfType(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return Optional.of(type.cast(t));
      }
    }
    return Optional.empty();
  }

  private static String firstLine(String s) {
    return s == null ? "invalid option" : s.lines().findFirst().orElse(s);
  }
}
