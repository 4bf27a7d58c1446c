package io.candles.ingest.exchange.binance;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.candles.contract.Prices;
import io.candles.contract.RejectReason;
import io.candles.ingest.TestResources;
import io.candles.ingest.exchange.Frame;
import io.candles.ingest.exchange.Quote;
import io.candles.testkit.OddTicks;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.Test;

/**
 * The ingester's reader of exchange frames on twelve thousand seeded inputs: the captured Binance
 * payloads with their fields in good and bad forms, byte mutations of them, and the hostile values
 * the pipeline's fuzz test uses. Every frame becomes a quote the frame really says (checked with
 * Jackson and BigDecimal), a rejection with a known reason, a control message or an exchange error;
 * nothing throws.
 */
public class BinanceFramesFuzzTest {

  private static final long RECEIVED = 1_718_049_600_500L;
  private static final Pattern PLAIN = Pattern.compile("[0-9]+(\\.[0-9]+)?");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  public void everyFrameIsAQuoteItReallySaysOrARejectionWithAReason() throws Exception {
    List<String> captured = List.of(TestResources.text("binance/spot-combined.json"),
        TestResources.text("binance/spot-raw.json"), TestResources.text("binance/futures-combined.json"),
        TestResources.text("binance/futures-raw.json"));
    Set<String> reasons = new HashSet<>();
    for (RejectReason r : RejectReason.values()) {
      reasons.add(r.code());
    }
    BinanceAdapter adapter = BinanceAdapter.futures();
    SplittableRandom random = new SplittableRandom(77);
    OddTicks hostile = new OddTicks(78);
    int quotes = 0;
    for (int i = 0; i < 12_000; i++) {
      String frame = switch (random.nextInt(4)) {
        case 0 -> vary(captured.get(random.nextInt(4)), random);
        case 1 -> mutate(vary(captured.get(random.nextInt(4)), random), random);
        case 2 -> new String(hostile.next(), StandardCharsets.UTF_8);
        default -> captured.get(random.nextInt(4));
      };
      Frame f;
      try {
        f = adapter.decode(frame, RECEIVED);
      } catch (RuntimeException | StackOverflowError e) {
        throw new AssertionError("frame " + i + " crashed the reader: " + show(frame), e);
      }
      if (f instanceof Frame.Rejected r) {
        assertTrue("frame " + i + ": unknown reason " + r.reason(), reasons.contains(r.reason().code()));
      } else if (f instanceof Quote q) {
        quotes++;
        JsonNode d = dataOf(frame);
        if (d == null) {
          fail("frame " + i + " is not a JSON object, yet became " + q + ": " + show(frame));
          return;
        }
        assertEquals("frame " + i, d.get("s").asText().toUpperCase(java.util.Locale.ROOT), q.pair());
        BigDecimal bid = price(raw(frame, "b"));
        BigDecimal ask = price(raw(frame, "a"));
        if (bid == null || ask == null || ask.compareTo(bid) < 0) {
          fail("frame " + i + " has no valid book, yet became " + q + ": " + show(frame));
          return;
        }
        assertEquals(0, bid.compareTo(Prices.priceToDecimal(q.bidUnits())));
        assertEquals(0, ask.compareTo(Prices.priceToDecimal(q.askUnits())));
        JsonNode e = d.get("E");
        assertEquals("frame " + i, e == null || e.isNull() ? RECEIVED : e.asLong(), q.eventTimeMillis());
      }
    }
    assertTrue("too few valid frames to mean anything: " + quotes, quotes > 1_000);
  }

  /** The book ticker object of a frame (a combined stream's data, or the frame), per Jackson. */
  private static JsonNode dataOf(String frame) {
    try {
      JsonNode n = JSON.readTree(frame);
      if (n == null || !n.isObject()) {
        return null;
      }
      return n.has("data") ? n.get("data") : n;
    } catch (java.io.IOException e) {
      return null;
    }
  }

  /**
   * A price field of the book ticker as written (string or number; the ingester, like the
   * pipeline, takes a plain decimal either way), or null.
   */
  private static BigDecimal price(String text) {
    if (text == null || !PLAIN.matcher(text).matches()) {
      return null;
    }
    BigDecimal d = new BigDecimal(text);
    return d.signum() > 0 && d.stripTrailingZeros().scale() <= 8 && d.compareTo(new BigDecimal("9000000000")) <= 0
        ? d : null;
  }

  /** The text of a string or number field of the book ticker object, as written; the last one counts. */
  private static String raw(String frame, String field) throws java.io.IOException {
    String found = null;
    try (com.fasterxml.jackson.core.JsonParser p = JSON.getFactory().createParser(frame)) {
      int depth = 0;
      boolean combined = dataOf(frame) != null && JSON.readTree(frame).has("data");
      String name = null;
      com.fasterxml.jackson.core.JsonToken t;
      while ((t = p.nextToken()) != null) {
        switch (t) {
          case START_OBJECT, START_ARRAY -> depth++;
          case END_OBJECT, END_ARRAY -> depth--;
          case FIELD_NAME -> name = p.currentName();
          case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
            if (depth == (combined ? 2 : 1) && field.equals(name)) {
              found = p.getText();
            }
          }
          default -> {
            if (depth == (combined ? 2 : 1) && field.equals(name)) {
              found = null;
            }
          }
        }
      }
    }
    return found;
  }

  /** One field of the frame replaced by a good or bad value. */
  private static String vary(String frame, SplittableRandom random) {
    String[] fields = {"\"b\":\"[^\"]*\"", "\"a\":\"[^\"]*\"", "\"s\":\"[^\"]*\"", "\"E\":[0-9]+", "\"u\":[0-9]+"};
    String[] keys = {"\"b\":", "\"a\":", "\"s\":", "\"E\":", "\"u\":"};
    List<String> values = List.of("\"1.5\"", "\"abc\"", "\"-1\"", "\"0\"", "null", "12", "\"\"", "\"1.123456789\"",
        "\"67010.30\"", "\"99999999999\"", "true", "{}", "[]", "1718049600999", "-5", "1.5e3", "\"btcusdt\"",
        "\"\\u0042TCUSDT\"", "9".repeat(30));
    int k = random.nextInt(fields.length);
    return frame.replaceFirst(fields[k], java.util.regex.Matcher.quoteReplacement(keys[k]
        + values.get(random.nextInt(values.size()))));
  }

  private static String mutate(String s, SplittableRandom random) {
    if (s.isEmpty()) {
      return s;
    }
    int at = random.nextInt(s.length());
    String chars = "{}[]\",:\\0-.e x";
    return switch (random.nextInt(3)) {
      case 0 -> s.substring(0, at) + chars.charAt(random.nextInt(chars.length())) + s.substring(at + 1);
      case 1 -> s.substring(0, at) + s.substring(at + 1);
      default -> s.substring(0, at);
    };
  }

  private static String show(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "... (" + s.length() + " chars)" : s;
  }
}
