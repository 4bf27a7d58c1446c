package io.candles.ingest.cli;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A small {@code --name value} / {@code --name=value} parser shared by the ingester's and the
 * simulator's mains, so both print the same kind of {@code --help} and the same one-line errors.
 */
public final class CommandLine {
  private static final Pattern PAIR = Pattern.compile("[A-Z0-9]{2,30}");

  /**
   * One option.
   *
   * @param name without the dashes
   * @param defaultValue shown in {@code --help}; null for none
   * @param help one line
   * @param flag true for a boolean that may be given bare ({@code --dropJumps}) or as {@code =true|false}
   * @param repeatable true if it may be given more than once
   */
  public record Option(String name, String defaultValue, String help, boolean flag, boolean repeatable) {
    public static Option of(String name, String defaultValue, String help) {
      return new Option(name, defaultValue, help, false, false);
    }

    public static Option flag(String name, boolean defaultValue, String help) {
      return new Option(name, Boolean.toString(defaultValue), help, true, false);
    }

    public static Option repeatable(String name, String help) {
      return new Option(name, null, help, false, true);
    }
  }

  /** A bad command line, as one line saying what is wrong and what to do. */
  public static final class BadOption extends Exception {
    public BadOption(String message) {
      super(message, null, false, false);
    }
  }

  /** Parsed values: the given ones over the defaults. */
  public static final class Values {
    private final Map<String, List<String>> given;
    private final Map<String, Option> options;

    Values(Map<String, List<String>> given, Map<String, Option> options) {
      this.given = given;
      this.options = options;
    }

    /** The value, or the default (possibly null). */
    public String get(String name) {
      List<String> v = given.get(name);
      if (v != null && !v.isEmpty()) {
        return v.get(v.size() - 1);
      }
      Option o = options.get(name);
      if (o == null) {
        throw new IllegalArgumentException("no option " + name);
      }
      return o.defaultValue();
    }

    public List<String> all(String name) {
      return given.getOrDefault(name, List.of());
    }

    public boolean given(String name) {
      return given.containsKey(name);
    }

    public boolean flag(String name) throws BadOption {
      String v = get(name);
      if ("true".equalsIgnoreCase(v)) {
        return true;
      }
      if ("false".equalsIgnoreCase(v)) {
        return false;
      }
      throw new BadOption("--" + name + ": \"" + v + "\" is not true or false");
    }

    public int integer(String name, int min, int max) throws BadOption {
      String v = get(name);
      try {
        int i = Integer.parseInt(v.replace("_", ""));
        if (i < min || i > max) {
          throw new BadOption("--" + name + ": " + i + " is outside " + min + ".." + max);
        }
        return i;
      } catch (NumberFormatException e) {
        throw new BadOption("--" + name + ": \"" + v + "\" is not a whole number");
      }
    }

    /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 23h}, {@code 1d}, or ISO-8601 {@code PT30S}. */
    public Duration duration(String name, Duration min) throws BadOption {
      String v = get(name);
      Duration d = parseDuration(v);
      if (d == null) {
        throw new BadOption("--" + name + ": \"" + v + "\" is not a duration; use e.g. 500ms, 30s, 5m, 23h");
      }
      if (d.compareTo(min) < 0) {
        throw new BadOption("--" + name + ": " + v + " is shorter than the minimum " + min.toMillis() + "ms");
      }
      return d;
    }

    public BigDecimal decimal(String name) throws BadOption {
      String v = get(name);
      try {
        return new BigDecimal(v);
      } catch (NumberFormatException e) {
        throw new BadOption("--" + name + ": \"" + v + "\" is not a decimal number");
      }
    }

    /** A ws:// or wss:// URI, or null when unset. */
    public URI webSocketUri(String name) throws BadOption {
      String v = get(name);
      if (v == null || v.isEmpty()) {
        return null;
      }
      try {
        URI u = new URI(v);
        if (!"ws".equals(u.getScheme()) && !"wss".equals(u.getScheme()) || u.getHost() == null) {
          throw new BadOption("--" + name + ": \"" + v + "\" is not a ws:// or wss:// URL with a host");
        }
        return u;
      } catch (URISyntaxException e) {
        throw new BadOption("--" + name + ": \"" + v + "\" is not a URL: " + e.getReason());
      }
    }

    /** Comma-separated pair symbols, upper-cased, without duplicates. */
    public List<String> pairs(String name) throws BadOption {
      String v = get(name);
      List<String> out = new ArrayList<>();
      for (String p : v.split(",")) {
        String s = p.trim().toUpperCase(Locale.ROOT);
        if (s.isEmpty()) {
          continue;
        }
        if (!PAIR.matcher(s).matches()) {
          throw new BadOption("--" + name + ": \"" + p.trim() + "\" is not a pair symbol like BTCUSDT");
        }
        if (!out.contains(s)) {
          out.add(s);
        }
      }
      if (out.isEmpty()) {
        throw new BadOption("--" + name + ": give at least one pair, e.g. --" + name + " BTCUSDT,ETHUSDT");
      }
      return out;
    }

    /** One of {@code allowed}. */
    public String choice(String name, List<String> allowed) throws BadOption {
      String v = get(name);
      if (!allowed.contains(v)) {
        throw new BadOption("--" + name + ": \"" + v + "\" is not one of " + String.join(", ", allowed));
      }
      return v;
    }

    /** {@code key=value} entries of a repeatable option. */
    public Map<String, String> keyValues(String name) throws BadOption {
      Map<String, String> m = new LinkedHashMap<>();
      for (String kv : all(name)) {
        int eq = kv.indexOf('=');
        if (eq <= 0) {
          throw new BadOption("--" + name + ": \"" + kv + "\" is not key=value");
        }
        m.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
      }
      return m;
    }
  }

  private final String program;
  private final String summary;
  private final Map<String, Option> options = new LinkedHashMap<>();

  public CommandLine(String program, String summary, List<Option> options) {
    this.program = program;
    this.summary = summary;
    for (Option o : options) {
      this.options.put(o.name(), o);
    }
  }

  /** True when {@code --help} or {@code -h} is among the arguments. */
  public static boolean wantsHelp(String[] args) {
    for (String a : args) {
      if ("--help".equals(a) || "-h".equals(a)) {
        return true;
      }
    }
    return false;
  }

  public Values parse(String[] args) throws BadOption {
    Map<String, List<String>> given = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.isEmpty()) {
        continue;
      }
      if (!a.startsWith("--")) {
        throw new BadOption("unexpected argument \"" + a + "\"; options look like --name value");
      }
      String name = a.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      Option o = options.get(name);
      if (o == null) {
        throw new BadOption("unknown option --" + name + suggestion(name));
      }
      if (value == null) {
        if (o.flag()) {
          value = "true";
        } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
          value = args[++i];
        } else {
          throw new BadOption("--" + name + " needs a value");
        }
      }
      if (!o.repeatable() && given.containsKey(name)) {
        throw new BadOption("--" + name + " is given twice");
      }
      given.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return new Values(given, options);
  }

  private String suggestion(String name) {
    for (String known : options.keySet()) {
      if (known.equalsIgnoreCase(name)) {
        return " (did you mean --" + known + "?)";
      }
    }
    return "";
  }

  /** The {@code --help} text: every option with its default. */
  public String usage() {
    StringBuilder sb = new StringBuilder();
    sb.append("Usage: ").append(program).append(" [options]\n").append(summary).append("\n\nOptions:\n");
    int width = 0;
    for (Option o : options.values()) {
      width = Math.max(width, label(o).length());
    }
    for (Option o : options.values()) {
      String label = label(o);
      sb.append("  ").append(label).append(" ".repeat(width - label.length() + 2)).append(o.help());
      if (o.defaultValue() != null) {
        sb.append(" [default: ").append(o.defaultValue().isEmpty() ? "none" : o.defaultValue()).append(']');
      }
      sb.append('\n');
    }
    sb.append("  --help").append(" ".repeat(Math.max(2, width - 6 + 2))).append("print this and exit\n");
    return sb.toString();
  }

  private static String label(Option o) {
    if (o.flag()) {
      return "--" + o.name() + "[=true|false]";
    }
    return "--" + o.name() + " <value>";
  }

  /** Parses a duration, or returns null. */
  public static Duration parseDuration(String v) {
    if (v == null) {
      return null;
    }
    String s = v.trim().toLowerCase(Locale.ROOT);
    try {
      if (s.startsWith("pt") || s.startsWith("p")) {
        return Duration.parse(v.trim().toUpperCase(Locale.ROOT));
      }
      if (s.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
      }
      long n = Long.parseLong(s.substring(0, s.length() - 1));
      switch (s.charAt(s.length() - 1)) {
        case 's': return Duration.ofSeconds(n);
        case 'm': return Duration.ofMinutes(n);
        case 'h': return Duration.ofHours(n);
        case 'd': return Duration.ofDays(n);
        default: return null;
      }
    } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
      return null;
    }
  }
}
