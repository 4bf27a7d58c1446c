package io.candles.ingest.cli;

import io.candles.contract.Durations;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** The checks of option values, each failure one line naming the option ({@code name} is without dashes). */
public final class Values {
  private static final Pattern PAIR = Pattern.compile("[A-Z0-9]{2,30}");

  private Values() {}

  public static boolean flag(String name, String v) throws BadOption {
    if ("true".equalsIgnoreCase(v)) {
      return true;
    }
    if ("false".equalsIgnoreCase(v)) {
      return false;
    }
    throw new BadOption("--" + name + ": \"" + v + "\" is not true or false");
  }

  public static int integer(String name, String v, int min, int max) throws BadOption {
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

  /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 23h}, {@code 1d}, or ISO-8601 {@code PT30S}; at least {@code min}. */
  public static Duration duration(String name, String v, Duration min) throws BadOption {
    Duration d = parseDuration(v);
    if (d == null) {
      throw new BadOption("--" + name + ": \"" + v + "\" is not a duration; use e.g. 500ms, 30s, 5m, 23h");
    }
    if (d.compareTo(min) < 0) {
      throw new BadOption("--" + name + ": " + v + " is shorter than the minimum " + min.toMillis() + "ms");
    }
    return d;
  }

  public static BigDecimal decimal(String name, String v) throws BadOption {
    try {
      return new BigDecimal(v);
    } catch (NumberFormatException e) {
      throw new BadOption("--" + name + ": \"" + v + "\" is not a decimal number");
    }
  }

  /** A ws:// or wss:// URI, or null when empty. */
  public static URI webSocketUri(String name, String v) throws BadOption {
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
  public static List<String> pairs(String name, String v) throws BadOption {
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
  public static String choice(String name, String v, List<String> allowed) throws BadOption {
    if (!allowed.contains(v)) {
      throw new BadOption("--" + name + ": \"" + v + "\" is not one of " + String.join(", ", allowed));
    }
    return v;
  }

  /** Trimmed, not empty. */
  public static String nonEmpty(String name, String v) throws BadOption {
    if (v == null || v.trim().isEmpty()) {
      throw new BadOption("--" + name + " is empty");
    }
    return v.trim();
  }

  /** {@code key=value} entries of a repeatable option. */
  public static Map<String, String> keyValues(String name, List<String> entries) throws BadOption {
    Map<String, String> m = new LinkedHashMap<>();
    for (String kv : entries) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new BadOption("--" + name + ": \"" + kv + "\" is not key=value");
      }
      m.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
    }
    return m;
  }

  /** Parses a duration by the project's one parser ({@link Durations}), or returns null. */
  static Duration parseDuration(String v) {
    if (v == null) {
      return null;
    }
    try {
      return Durations.parse("", v.trim().toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
