package io.candles.serve;

import io.candles.contract.Durations;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * The server's command line (picocli). Every option can also come from an environment variable
 * named after it with the prefix {@code SERVE_}: {@code --jdbcUrl} from {@code SERVE_JDBC_URL},
 * {@code --token} from {@code SERVE_TOKEN}; the command line wins. Secrets (the passwords and the
 * token) are best given that way, since a command line is visible to every user of the machine.
 */
@Command(name = "candles-serve", mixinStandardHelpOptions = false, sortOptions = false,
    usageHelpWidth = 110,
    description = {
        "Serves the candle table: Binance-compatible REST klines (/api/v3/klines), WebSocket kline",
        "streams (/ws/<pair>@kline_5m, /stream?streams=...) pushed by PostgreSQL LISTEN/NOTIFY, and a live",
        "candlestick chart at /. Reads the table only; never talks to Kafka or the pipeline.",
        "Every option can also come from an environment variable SERVE_<OPTION> (SERVE_JDBC_URL, SERVE_TOKEN, ...),",
        "or from a file that SERVE_<OPTION>_FILE names (SERVE_JDBC_PASSWORD_FILE=/run/secrets/reader_password).",
        ""})
public final class ServeOptions {

  /** The prefix of the environment variables of the options. */
  public static final String ENV_PREFIX = "SERVE_";

  /** {@code SERVE_X_FILE} names a file that holds {@code SERVE_X}'s value. */
  public static final String FILE_SUFFIX = "_FILE";

  @Option(names = "--host", paramLabel = "ADDR",
      description = "address to listen on (default ${DEFAULT-VALUE}: this machine only; 0.0.0.0 for every interface)")
  String host = "127.0.0.1";

  @Option(names = "--port", paramLabel = "N",
      description = "port to listen on (default ${DEFAULT-VALUE}; 0 for a free one, printed at start)")
  int port = 8080;

  @Option(names = "--jdbcUrl", paramLabel = "URL",
      description = "the candle database (default ${DEFAULT-VALUE})")
  String jdbcUrl = "jdbc:postgresql://localhost:5432/postgres";

  @Option(names = "--jdbcUser", paramLabel = "ROLE",
      description = "the read-only role the server logs in as (default ${DEFAULT-VALUE}, created by sql/serve.sql)")
  String jdbcUser = CandleTable.READER_ROLE;

  @Option(names = "--jdbcPassword", paramLabel = "SECRET",
      description = "its password (default: none; better from SERVE_JDBC_PASSWORD)")
  String jdbcPassword = "";

  @Option(names = "--setupJdbcUser", paramLabel = "ROLE",
      description = "the table's owner: if given, sql/serve.sql (the read-only role, its password from --jdbcPassword, "
          + "and the change trigger) is applied with it at start-up; otherwise they must exist")
  String setupJdbcUser = "";

  @Option(names = "--setupJdbcPassword", paramLabel = "SECRET",
      description = "the owner's password (better from SERVE_SETUP_JDBC_PASSWORD)")
  String setupJdbcPassword = "";

  @Option(names = "--token", paramLabel = "SECRET",
      description = "if set, every API request and WebSocket needs it: header 'Authorization: Bearer SECRET' or "
          + "'X-MBX-APIKEY: SECRET', or ?token=SECRET (the web page passes on its own ?token=); better from SERVE_TOKEN")
  String token = "";

  @Option(names = "--poolSize", paramLabel = "N",
      description = "database connections for REST queries (default ${DEFAULT-VALUE}); one more listens for changes")
  int poolSize = 4;

  @Option(names = "--maxClients", paramLabel = "N",
      description = "WebSocket connections at most; more are refused at the handshake (HTTP 503, Binance's -1003) (default ${DEFAULT-VALUE})")
  int maxClients = 5000;

  @Option(names = "--pingInterval", paramLabel = "DURATION",
      description = "how often each WebSocket is pinged, as Binance does (default ${DEFAULT-VALUE})")
  String pingInterval = "20s";

  @Option(names = "--pongTimeout", paramLabel = "DURATION",
      description = "a WebSocket that sends no pong for this long is closed, as Binance does (default ${DEFAULT-VALUE})")
  String pongTimeout = "60s";

  @Option(names = "--slowClientTimeout", paramLabel = "DURATION",
      description = "a WebSocket that takes no data for this long while events wait for it is closed (default ${DEFAULT-VALUE})")
  String slowClientTimeout = "30s";

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "this text")
  boolean help;

  /** The options, checked: what the server runs with. */
  public record Settings(String host, int port, String jdbcUrl, String jdbcUser, String jdbcPassword,
      String setupJdbcUser, String setupJdbcPassword, String token, int poolSize, int maxClients,
      Duration pingInterval, Duration pongTimeout, Duration slowClientTimeout) {

    /** The defaults, with the given database: what a test of the defaults runs with. */
    public static Settings defaults(String jdbcUrl, String jdbcUser, String jdbcPassword) {
      ServeOptions o = new ServeOptions();
      o.jdbcUrl = jdbcUrl;
      o.jdbcUser = jdbcUser;
      o.jdbcPassword = jdbcPassword;
      return o.settings();
    }

    public Settings withPort(int newPort) {
      return new Settings(host, newPort, jdbcUrl, jdbcUser, jdbcPassword, setupJdbcUser, setupJdbcPassword,
          token, poolSize, maxClients, pingInterval, pongTimeout, slowClientTimeout);
    }

    public Settings withSetup(String user, String password) {
      return new Settings(host, port, jdbcUrl, jdbcUser, jdbcPassword, user, password,
          token, poolSize, maxClients, pingInterval, pongTimeout, slowClientTimeout);
    }

    public Settings withToken(String newToken) {
      return new Settings(host, port, jdbcUrl, jdbcUser, jdbcPassword, setupJdbcUser, setupJdbcPassword,
          newToken, poolSize, maxClients, pingInterval, pongTimeout, slowClientTimeout);
    }

    public Settings withClientLimits(int newMaxClients, Duration ping, Duration pong, Duration slow) {
      return new Settings(host, port, jdbcUrl, jdbcUser, jdbcPassword, setupJdbcUser, setupJdbcPassword,
          token, poolSize, newMaxClients, ping, pong, slow);
    }

    /** No secret: for logs. */
    @Override
    public String toString() {
      return "host=" + host + " port=" + port + " jdbcUrl=" + jdbcUrl + " jdbcUser=" + jdbcUser
          + " setup=" + (setupJdbcUser.isEmpty() ? "no" : setupJdbcUser) + " token=" + (token.isEmpty() ? "none" : "set")
          + " poolSize=" + poolSize + " maxClients=" + maxClients + " pingInterval=" + pingInterval
          + " pongTimeout=" + pongTimeout + " slowClientTimeout=" + slowClientTimeout;
    }
  }

  /** A bad command line: one line saying what is wrong. */
  public static final class BadOption extends Exception {
    BadOption(String message) {
      super(message, null, false, false);
    }
  }

  /** The usage text. */
  public static String usage() {
    return commandLine(new ServeOptions()).getUsageMessage();
  }

  /** Whether the arguments ask for the usage text. */
  public static boolean wantsHelp(String... args) {
    for (String a : args) {
      if (a.equals("-h") || a.equals("--help")) {
        return true;
      }
    }
    return false;
  }

  /** Parses and checks the command line over the environment. */
  public static Settings parse(java.util.Map<String, String> env, String... args) throws BadOption {
    ServeOptions o = new ServeOptions();
    CommandLine cl = commandLine(o);
    java.util.Map<String, String> values = withFiles(env);
    cl.setDefaultValueProvider(arg -> fromEnvironment(arg, values));
    try {
      cl.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      throw new BadOption(e.getMessage().replace('\n', ' ') + " (see --help)");
    }
    return o.check();
  }

  /** Every environment variable an option can come from (docker-compose.yml's are checked against it). */
  public static java.util.Set<String> variables() {
    java.util.Set<String> out = new java.util.TreeSet<>();
    for (OptionSpec o : commandLine(new ServeOptions()).getCommandSpec().options()) {
      if (!o.usageHelp()) {
        out.add(variable(o.longestName()));
      }
    }
    return out;
  }

  /**
   * The environment with every {@code SERVE_X_FILE} read into {@code SERVE_X} (unless that is set
   * too), as Docker secrets provide a password: as a file, not in the container's environment.
   */
  private static java.util.Map<String, String> withFiles(java.util.Map<String, String> env) throws BadOption {
    java.util.Map<String, String> out = new java.util.HashMap<>(env);
    for (String variable : variables()) {
      String file = env.get(variable + FILE_SUFFIX);
      if (file == null || file.isEmpty() || (env.get(variable) != null && !env.get(variable).isEmpty())) {
        continue;
      }
      try {
        out.put(variable, java.nio.file.Files.readString(java.nio.file.Path.of(file)).strip());
      } catch (java.io.IOException | RuntimeException e) {
        throw new BadOption("cannot read " + variable + FILE_SUFFIX + " (" + file + "): " + e
            + "; give a readable file, or " + variable + " itself");
      }
    }
    return out;
  }

  /** The environment variable of an option: --jdbcUrl is SERVE_JDBC_URL. */
  public static String variable(String optionName) {
    String bare = optionName.replaceFirst("^-+", "");
    return ENV_PREFIX + bare.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
  }

  private static String fromEnvironment(ArgSpec arg, java.util.Map<String, String> env) {
    if (arg instanceof OptionSpec option) {
      String value = env.get(variable(option.longestName()));
      if (value != null && !value.isEmpty()) {
        return value;
      }
    }
    return null;
  }

  private static CommandLine commandLine(ServeOptions o) {
    CommandLine cl = new CommandLine(o);
    cl.setUsageHelpAutoWidth(false);
    return cl;
  }

  private Settings settings() {
    try {
      return check();
    } catch (BadOption e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }

  private Settings check() throws BadOption {
    if (port < 0 || port > 65535) {
      throw new BadOption("--port must be 0..65535, got " + port);
    }
    if (host.isBlank()) {
      throw new BadOption("--host must be an address, e.g. 127.0.0.1 or 0.0.0.0");
    }
    if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new BadOption("--jdbcUrl must be a PostgreSQL JDBC URL like jdbc:postgresql://HOST:5432/DB, got " + jdbcUrl);
    }
    if (jdbcUser.isBlank()) {
      throw new BadOption("--jdbcUser must name a role, e.g. " + CandleTable.READER_ROLE);
    }
    if (poolSize < 1 || poolSize > 64) {
      throw new BadOption("--poolSize must be 1..64, got " + poolSize);
    }
    if (maxClients < 1 || maxClients > 1_000_000) {
      throw new BadOption("--maxClients must be 1..1000000, got " + maxClients);
    }
    Duration ping = duration("--pingInterval", pingInterval);
    Duration pong = duration("--pongTimeout", pongTimeout);
    Duration slow = duration("--slowClientTimeout", slowClientTimeout);
    if (pong.compareTo(ping) <= 0) {
      throw new BadOption("--pongTimeout (" + pongTimeout + ") must be longer than --pingInterval (" + pingInterval + ")");
    }
    return new Settings(host.trim(), port, jdbcUrl, jdbcUser, jdbcPassword, setupJdbcUser, setupJdbcPassword,
        token, poolSize, maxClients, ping, pong, slow);
  }

  /** By the project's one duration parser (500ms, 20s, 5m, 1h, PT5M); more than nothing. */
  static Duration duration(String option, String text) throws BadOption {
    Duration d;
    try {
      d = Durations.parse(option.replaceFirst("^-+", ""), text);
    } catch (IllegalArgumentException e) {
      throw new BadOption(e.getMessage());
    }
    if (d.isZero() || d.isNegative()) {
      throw new BadOption(option + " must be a duration like 500ms, 20s, 5m or 1h, got " + text);
    }
    return d;
  }
}
