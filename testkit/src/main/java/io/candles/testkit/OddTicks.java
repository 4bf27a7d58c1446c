package io.candles.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded fuzz input for the tick readers: tick record values that are valid, nearly valid, odd or
 * hostile, from a grammar of the contract's fields (every field in many good and bad forms,
 * shuffled, spaced, escaped, repeated, surrounded by unknown fields nested deep) and from byte
 * mutations of valid ones. {@link ContractOracle} says what each must become.
 */
public final class OddTicks {
  private final SplittableRandom random;

  public OddTicks(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** The next input. */
  public byte[] next() {
    int kind = random.nextInt(50);
    if (kind < 24) {
      return utf8(structured());
    }
    if (kind < 40) {
      return mutate(utf8(structured()));
    }
    return kind < 48 ? utf8(odd()) : hostile();
  }

  /** A tick from the grammar: mostly valid fields, now and then one bad or missing. */
  public String structured() {
    List<String> fields = new ArrayList<>();
    field(fields, "pair", pick(0.9, this::pair, this::badPair));
    field(fields, "bid", pick(0.85, () -> price(false), this::badPrice));
    field(fields, "ask", pick(0.85, () -> price(true), this::badPrice));
    field(fields, "event_time", pick(0.85, this::time, this::badTime));
    if (random.nextInt(3) == 0) {
      field(fields, "ingest_time", pick(0.6, this::time, this::badTime));
    }
    if (random.nextInt(2) == 0) {
      fields.add(quote("exchange") + ":" + pick(0.8, () -> quote("binance"), this::anyValue));
    }
    if (random.nextInt(2) == 0) {
      fields.add(quote("update_id") + ":" + pick(0.8, () -> Long.toString(random.nextLong(1L << 40)), this::anyValue));
    }
    int unknown = random.nextInt(4);
    for (int i = 0; i < unknown; i++) {
      fields.add(quote("x" + random.nextInt(1000)) + ":" + anyValue());
    }
    if (random.nextInt(8) == 0 && !fields.isEmpty()) {
      // A field given twice: the last one counts.
      fields.add(fields.get(random.nextInt(fields.size())));
    }
    Collections.shuffle(fields, new java.util.Random(random.nextLong()));
    StringBuilder sb = new StringBuilder().append(space()).append('{');
    for (int i = 0; i < fields.size(); i++) {
      sb.append(i == 0 ? "" : ",").append(space()).append(fields.get(i)).append(space());
    }
    return sb.append('}').append(space()).toString();
  }

  private void field(List<String> fields, String name, String value) {
    if (random.nextInt(25) == 0) {
      return; // missing
    }
    String key = random.nextInt(15) == 0 ? escaped(name) : quote(name);
    fields.add(key + space() + ":" + space() + value);
  }

  private String pick(double good, java.util.function.Supplier<String> ok, java.util.function.Supplier<String> bad) {
    return random.nextDouble() < good ? ok.get() : bad.get();
  }

  private String pair() {
    String p = List.of("BTCUSDT", "ETHUSDT", "SOLUSDT", "X", "ÄÖÜ€", "1000SHIBUSDT").get(random.nextInt(6));
    return random.nextInt(10) == 0 ? escaped(p) : quote(p);
  }

  private String badPair() {
    return List.of("null", "\"\"", "42", "true", "{}", "[\"BTCUSDT\"]").get(random.nextInt(6));
  }

  /** A good price; the ask a little above a usual bid, so crossed books come up now and then. */
  private String price(boolean ask) {
    StringBuilder digits = new StringBuilder();
    digits.append(ask ? 5 + random.nextInt(5) : 1 + random.nextInt(9));
    int more = random.nextInt(6);
    for (int i = 0; i < more; i++) {
      digits.append(random.nextInt(10));
    }
    if (random.nextBoolean()) {
      digits.append('.');
      int decimals = 1 + random.nextInt(8);
      for (int i = 0; i < decimals; i++) {
        digits.append(random.nextInt(10));
      }
    }
    String d = random.nextInt(12) == 0 ? "00" + digits : digits.toString();
    return random.nextInt(8) == 0 && !d.startsWith("0") ? d : quote(d);
  }

  private String badPrice() {
    List<String> bad = List.of("\"abc\"", "\"-1\"", "\"0\"", "\"0.000000000\"", "\"1.123456789\"", "\"1.10000000000\"",
        "\"12345678901\"", "\"9000000000.00000001\"", "\"9000000000\"", "\"1e5\"", "\".5\"", "\"5.\"", "\" 5\"",
        "\"+5\"", "\"\"", "null", "true", "{\"v\":1}", "[1]", "1e5", "-2", "0", "\"1,5\"", "\"0x10\"", "\"NaN\"",
        "\"١٢٣\"", "\"99999999999999999999999\"", "\"-\"", "\"5\\u0030\"");
    return bad.get(random.nextInt(bad.size()));
  }

  private String time() {
    long millis = 1_600_000_000_000L + random.nextLong(200_000_000_000L);
    java.time.Instant t = java.time.Instant.ofEpochMilli(millis);
    return switch (random.nextInt(7)) {
      case 0 -> Long.toString(millis);
      case 1 -> quote(t.toString());
      case 2 -> quote(t.toString().replace('T', ' ').replace("Z", ""));
      case 3 -> quote(java.time.OffsetDateTime.ofInstant(t, java.time.ZoneOffset.ofHours(2)).toString());
      case 4 -> quote(t.toString().replace("Z", ""));
      case 5 -> quote(t.atZone(java.time.ZoneOffset.UTC).toLocalDateTime().withNano(123_456_789).toString() + "Z");
      default -> quote(t.toString().substring(0, 19) + "Z");
    };
  }

  private String badTime() {
    List<String> bad = List.of("\"yesterday\"", "\"2021-02-30T00:00:00Z\"", "\"2021-13-01T00:00:00Z\"",
        "\"2021-10-14T24:00:00Z\"", "\"2021-10-14T18:54:60Z\"", "\"2021-10-14T18:54:00.1234567890Z\"",
        "\"2021-10-14\"", "\"2021-10-14T18:54:00z\"", "\"\"", "-5", "1.5", "1.6e12", "99999999999999999999",
        "253402300800000", "true", "{}", "[]", "\"1634237640000\"", "\"2021-10-14T18:54:00+25:00\"",
        "\"+12021-10-14T18:54:00Z\"", "\"2021-10-14T18:54:00.Z\"", "\"2021-10-14 18:54\"");
    return bad.get(random.nextInt(bad.size()));
  }

  /** Any JSON value, nested up to a depth around the readers' limit now and then. */
  private String anyValue() {
    return switch (random.nextInt(9)) {
      case 0 -> "null";
      case 1 -> Long.toString(random.nextLong());
      case 2 -> "-1.5e-300";
      case 3 -> quote("text with \\\"escapes\\\" \\n \\u00e9 and ünicode");
      case 4 -> "[" + (random.nextBoolean() ? "1,2,{\"a\":[true,false]}" : "") + "]";
      case 5 -> nested(55 + random.nextInt(20));
      case 6 -> "9".repeat(1 + random.nextInt(400));
      case 7 -> "{\"pair\":\"NESTED\",\"bid\":\"1\"}";
      default -> "true";
    };
  }

  private String nested(int depth) {
    return "[".repeat(depth) + "1" + "]".repeat(depth);
  }

  /** Whole values that are not a tick object. */
  private String odd() {
    List<String> odd = List.of("", " ", "null", "[]", "{}", "42", "\"BTCUSDT\"", "{\"pair\":\"BTCUSDT\"}",
        "{\"pair\":\"BTCUSDT\",}", "{,}", "{\"pair\" \"BTCUSDT\"}", "{'pair':'BTCUSDT'}", "{} {}", "{}x",
        "{\"a\":1 /* c */}", "\ufeff{}", "{\"pair\":\"B\",\"bid\":\"1\",\"ask\":\"2\",\"event_time\":1}",
        "{\"pair\":\"B\",\"bid\":NaN,\"ask\":\"2\",\"event_time\":1}", "{\"pair\":\"B\\x\"}",
        "{\"pair\":\"B\",\"bid\":01,\"ask\":\"2\",\"event_time\":1}", "[" + structured() + "]");
    return odd.get(random.nextInt(odd.size()));
  }

  /** Bytes no reader should choke on. */
  private byte[] hostile() {
    return switch (random.nextInt(7)) {
      case 0 -> utf8(nested(70_000));
      case 1 -> {
        byte[] b = new byte[1 + random.nextInt(30_000)];
        for (int i = 0; i < b.length; i++) {
          b[i] = (byte) random.nextInt(32);
        }
        yield b;
      }
      case 2 -> utf8("{\"pair\":\"BTCUSDT\",\"bid\":" + "7".repeat(200_000) + "}");
      case 3 -> {
        byte[] b = utf8("{\"pair\":\"BTC?\",\"bid\":\"1\",\"ask\":\"2\",\"event_time\":1634237640000}");
        byte[] bad = {(byte) 0xC3, (byte) 0x28, (byte) 0xED, (byte) 0xA0, (byte) 0xC0, (byte) 0xF8, (byte) 0xE2};
        b[12] = bad[random.nextInt(bad.length)];
        yield b;
      }
      case 4 -> utf8("{\"pair\":\"" + "\\u0041".repeat(50_000) + "\"}");
      case 5 -> {
        byte[] b = new byte[1 + random.nextInt(5_000)];
        for (int i = 0; i < b.length; i++) {
          b[i] = (byte) random.nextInt(256);
        }
        yield b;
      }
      default -> utf8("{\"pair\":\"BTCUSDT\",\"bid\":\"1\",\"ask\":\"2\",\"event_time\":\"" + "9".repeat(100_000) + "\"}");
    };
  }

  private byte[] mutate(byte[] b) {
    if (b.length == 0) {
      return b;
    }
    int at = random.nextInt(b.length);
    return switch (random.nextInt(5)) {
      case 0 -> {
        byte[] c = b.clone();
        c[at] = (byte) random.nextInt(256);
        yield c;
      }
      case 1 -> {
        byte[] c = new byte[b.length - 1];
        System.arraycopy(b, 0, c, 0, at);
        System.arraycopy(b, at + 1, c, at, b.length - at - 1);
        yield c;
      }
      case 2 -> {
        byte[] c = new byte[b.length + 1];
        System.arraycopy(b, 0, c, 0, at);
        String chars = "{}[]\",:\\0-.e ";
        c[at] = (byte) chars.charAt(random.nextInt(chars.length()));
        System.arraycopy(b, at, c, at + 1, b.length - at);
        yield c;
      }
      case 3 -> java.util.Arrays.copyOf(b, at);
      default -> {
        byte[] c = b.clone();
        c[at] = (byte) (c[at] ^ (1 << random.nextInt(8)));
        yield c;
      }
    };
  }

  private String space() {
    return switch (random.nextInt(12)) {
      case 0 -> " ";
      case 1 -> "\n\t ";
      case 2 -> "\r\n";
      default -> "";
    };
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }

  /** A string with every character as a \\u escape. */
  private static String escaped(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      sb.append(String.format("\\u%04x", (int) c));
    }
    return sb.append('"').toString();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
