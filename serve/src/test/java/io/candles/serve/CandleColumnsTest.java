package io.candles.serve;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.Test;

/**
 * Which extras a table gives: every one whose column it has, so a table from before issue 16's
 * columns still serves (with lastEventTime only), and a notification's JSON reads as exactly as a
 * query's result.
 */
public class CandleColumnsTest {
  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  private static final Set<String> OLDER = Set.of("id", "currency_pair", "open_price", "high_price", "low_price",
      "close_price", "open_time", "close_time", "tick_count", "last_event_time", "is_final", "updated_at");
  /** A row as the trigger's row_to_json sends it: numerics as JSON numbers, timestamps as ISO text. */
  private static final String NOTIFIED = "{\"id\":7,\"currency_pair\":\"BTCUSDT\",\"open_price\":58000.17,"
      + "\"high_price\":58010.5,\"low_price\":57990.000000005,\"close_price\":58001,"
      + "\"open_time\":\"2021-10-14T18:50:00\",\"close_time\":\"2021-10-14T18:55:00\",\"tick_count\":3845,"
      + "\"last_event_time\":\"2021-10-14T18:50:56.7\",\"last_ingest_time\":\"2021-10-14T18:50:56.912\","
      + "\"bid_open\":58000.16,\"bid_high\":58010.49,\"bid_low\":57989.99,\"bid_close\":58000.99,"
      + "\"ask_open\":58000.18,\"ask_high\":58010.51,\"ask_low\":57990.01,\"ask_close\":58001.01,"
      + "\"spread_min\":0.01,\"spread_max\":0.03,\"spread_mean\":0.01333333333333333333,\"spread_twa\":0.0125,"
      + "\"gap_ms\":12345,\"gap_count\":2,\"is_final\":true,\"updated_at\":\"2021-10-14T18:50:56.789123+00:00\"}";

  @Test
  public void aTableWithoutTheQualityColumnsServesLastEventTimeOnly() throws Exception {
    CandleColumns older = new CandleColumns(OLDER);
    assertEquals(List.of(KlineExtras.ALL.get(0)), older.extras());
    assertEquals("lastEventTime", older.extras().get(0).key());
    for (KlineExtras.Extra e : KlineExtras.ALL.subList(1, KlineExtras.ALL.size())) {
      assertFalse(e.column() + " is not selected", older.selectList().contains(e.column()));
    }
    CandleRow r = older.read(JSON.readTree(NOTIFIED));
    assertEquals(List.of(1_634_237_456_700L), r.extras());
    assertEquals("{\"e\":\"kline\",\"E\":1634237456789,\"s\":\"BTCUSDT\",\"k\":{\"t\":1634237400000,"
        + "\"T\":1634237699999,\"s\":\"BTCUSDT\",\"i\":\"5m\",\"f\":-1,\"L\":-1,\"o\":\"58000.17000000\","
        + "\"c\":\"58001.00000000\",\"h\":\"58010.50000000\",\"l\":\"57990.000000005\",\"v\":\"0\",\"n\":3845,"
        + "\"x\":true,\"q\":\"0\",\"V\":\"0\",\"Q\":\"0\",\"B\":\"0\",\"lastEventTime\":1634237456700}}",
        KlineJson.event(r, older.extras()));
  }

  @Test
  public void aTableWithTheQualityColumnsServesThemAllExactly() throws Exception {
    Set<String> all = new HashSet<>(OLDER);
    KlineExtras.ALL.forEach(e -> all.add(e.column()));
    CandleColumns full = new CandleColumns(all);
    assertEquals(KlineExtras.ALL, full.extras());
    for (KlineExtras.Extra e : KlineExtras.ALL) {
      assertEquals(e.column() + " selected once", 1, full.selectList().split("\\b" + e.column() + "\\b", -1).length - 1);
    }
    CandleRow r = full.read(JSON.readTree(NOTIFIED));
    assertEquals(Arrays.asList(1_634_237_456_700L, 1_634_237_456_912L,
        "58000.16000000", "58010.49000000", "57989.99000000", "58000.99000000",
        "58000.18000000", "58010.51000000", "57990.01000000", "58001.01000000",
        "0.01000000", "0.03000000", "0.01333333333333333333", "0.01250000", 12_345L, 2L), r.extras());
  }

  @Test
  public void everyExtraHasItsOwnColumnAndKeyAndAMeaning() {
    Set<String> columns = new HashSet<>();
    Set<String> keys = new HashSet<>();
    for (KlineExtras.Extra e : KlineExtras.ALL) {
      assertEquals("column " + e.column() + " once", true, columns.add(e.column()));
      assertEquals("key " + e.key() + " once", true, keys.add(e.key()));
      assertEquals(e.key() + " is camelCase of " + e.column(), camel(e.column()), e.key());
      assertFalse(e.key() + " has a meaning", e.meaning().isBlank());
    }
  }

  /** The README lists the extras from this one list: every one, as it says, and no other. */
  @Test
  public void theReadmeListsEveryExtraWithItsMeaning() throws Exception {
    Path dir = Paths.get("").toAbsolutePath();
    while (dir != null && !(Files.exists(dir.resolve("README.md")) && Files.exists(dir.resolve("serve")))) {
      dir = dir.getParent();
    }
    assertNotNull("the repository's README.md above " + Paths.get("").toAbsolutePath(), dir);
    List<String> listed = Files.readAllLines(dir.resolve("README.md")).stream()
        .filter(l -> l.matches("- `\\w+` \\(`\\w+`\\): .*")).toList();
    List<String> expected = KlineExtras.ALL.stream()
        .map(e -> "- `" + e.key() + "` (`" + e.column() + "`): " + e.meaning()).toList();
    assertEquals(expected, listed);
  }

  private static String camel(String column) {
    StringBuilder sb = new StringBuilder();
    boolean up = false;
    for (char ch : column.toCharArray()) {
      if (ch == '_') {
        up = true;
      } else {
        sb.append(up ? Character.toUpperCase(ch) : ch);
        up = false;
      }
    }
    return sb.toString();
  }
}
