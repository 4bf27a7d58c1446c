package io.candles.serve;

import static io.candles.serve.TestDatabase.candle;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.candles.pipeline.Candle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.Test;
import org.openqa.selenium.By;

/**
 * The web page in a real headless Chromium against the real server on a real PostgreSQL: it
 * loads and draws the candles of the table (open and final ones told apart), shows each pair's
 * newest-tick age, switches pair and candle kind, redraws the last candle when a new upsert
 * changes it, and shows a banner when the push stream is cut. Screenshots go to
 * target/screenshots/.
 */
public class BrowserIT {
  private static final long MINUTE = 60_000L;
  private static final Path SHOTS = Paths.get("target", "screenshots");

  /** 40 rolling windows up to now, a random walk; the last four still open. */
  private static List<Candle> history(String pair, long base, long seed, long now) {
    Random random = new Random(seed);
    long first = now - now % MINUTE - 39 * MINUTE;
    List<Candle> rows = new ArrayList<>();
    long price = base;
    for (int i = 0; i < 40; i++) {
      long open = price;
      long close = open + (random.nextInt(2001) - 1000) * base / 100_000;
      long high = Math.max(open, close) + random.nextInt(400) * base / 100_000;
      long low = Math.min(open, close) - random.nextInt(400) * base / 100_000;
      long t = first + i * MINUTE;
      rows.add(candle(pair, t, open, high, low, close, 200 + random.nextInt(3000), Math.min(now - 700, t + 299_000),
          i < 36));
      price = close;
    }
    return rows;
  }

  private static Map<?, ?> last(Browser b) {
    return (Map<?, ?>) b.js("return window.candlesPage.lastRender;");
  }

  @Test
  public void thePageDrawsTheTableLiveAndShowsWhenThePushStreamIsCut() throws Exception {
    long now = System.currentTimeMillis();
    List<Candle> a = history("BRWAUSDT", 58_000_000_000_000L, 1, now);
    List<Candle> b = history("BRWBUSDT", 3_500_000_000_000L, 2, now);
    TestDatabase.upsert(a);
    TestDatabase.upsert(b);
    // Candle quality (issue 16) with plain SQL: spreads on every window of the first pair, a long
    // gap on an older aligned window (its band at 0.15 + 0.45 / 2 opacity: 150 s of a 300 s window).
    List<Candle> alignedA = a.stream().filter(c -> c.openTimeMillis() % (5 * MINUTE) == 0).toList();
    long gapped = alignedA.get(alignedA.size() - 3).openTimeMillis();
    sql("update candle_stick_five_min set " + QualityColumns.SET_PRICES + " where currency_pair = 'BRWAUSDT'");
    sql("update candle_stick_five_min set gap_ms = 150000, gap_count = 3 where currency_pair = 'BRWAUSDT' "
        + "and open_time = '" + TestDatabase.utc(gapped) + "'");
    Files.createDirectories(SHOTS);
    CandleServer server = CandleServer.start(TestDatabase.settings());
    try (Browser browser = Browser.start()) {
      browser.driver.get(server.baseUrl() + "/?pair=BRWAUSDT");
      browser.await("load the history and connect", "return !!(window.candlesPage && window.candlesPage.connected "
          + "&& window.candlesPage.historyLoads > 0 && window.candlesPage.lastRender)", 20_000);

      // The last candle shown is the newest aligned window of the table, exactly.
      Candle newestAligned = a.stream().filter(c -> c.openTimeMillis() % (5 * MINUTE) == 0)
          .reduce((x, y) -> y).orElseThrow();
      Map<?, ?> shown = last(browser);
      assertEquals(newestAligned.openTimeMillis() / 1000, ((Number) shown.get("time")).longValue());
      assertEquals(Prices.format(io.candles.contract.Prices.midToDecimal(newestAligned.close())), shown.get("close"));
      assertEquals(newestAligned.tickCount(), ((Number) shown.get("ticks")).longValue());
      assertEquals(newestAligned.isFinal(), shown.get("final"));

      byte[] before = browser.screenshot();
      Files.write(SHOTS.resolve("chart-aligned.png"), before);
      BufferedImage img = ImageIO.read(new ByteArrayInputStream(before));
      assertThat("final candles drawn in their colours", colored(img, 0x26a69a) + colored(img, 0xef5350), greaterThan(500));
      assertThat("open candles drawn with the amber outline", colored(img, 0xf5c542), greaterThan(20));

      // The gap band and the spread line: the chart's series hold what the table has.
      assertEquals("gap-marked windows", openTimes("gap_ms > 0"), chartTimes(browser, "gapTimes"));
      assertEquals(List.of(gapped / 1000), chartTimes(browser, "gapTimes"));
      assertEquals("windows with a spread", openTimes("spread_mean is not null"), chartTimes(browser, "spreadTimes"));
      assertEquals(alignedA.size(), chartTimes(browser, "spreadTimes").size());
      assertEquals("the gap's label", List.of(Map.of("time", gapped / 1000, "text", "gap 150.0s x3")),
          browser.js("return window.candlesPage.gapLabels;"));
      // Drawn: the band's orange over the background, and the spread line's blue.
      assertThat("the gap band drawn", colored(img, blend(0x0f1419, 0xff8c00, 0.375)), greaterThan(500));
      assertThat("the spread line drawn", colored(img, 0x7aa2f7), greaterThan(30));

      // Each pair's newest tick has an age.
      browser.await("show ages", "return [...document.querySelectorAll('#pairs .age')].every(e => /s$/.test(e.textContent))",
          10_000);
      String age = browser.driver.findElement(By.cssSelector("#pairs button[data-pair='BRWAUSDT'] .age")).getText();
      assertThat(age, matchesPattern("\\d+\\.\\d s"));

      // A new upsert visibly changes the last candle: 3 % higher, more ticks.
      Candle moved = candle(newestAligned.pair(), newestAligned.openTimeMillis(), newestAligned.open(),
          newestAligned.close() * 103 / 100, newestAligned.low(), newestAligned.close() * 103 / 100,
          newestAligned.tickCount() + 50, now, false);
      TestDatabase.upsert(moved);
      String movedClose = Prices.format(io.candles.contract.Prices.midToDecimal(moved.close()));
      browser.await("show the new close", "return window.candlesPage.lastRender.close === '" + movedClose + "'", 10_000);
      Thread.sleep(300); // the chart draws on the next animation frame
      byte[] after = browser.screenshot();
      Files.write(SHOTS.resolve("chart-after-upsert.png"), after);
      assertThat("pixels changed by the upsert", differing(img, ImageIO.read(new ByteArrayInputStream(after))),
          greaterThan(200));
      assertEquals(newestAligned.tickCount() + 50, ((Number) last(browser).get("ticks")).longValue());

      // A gap marked on the newest candle arrives live: its band, its label, the last candle's line.
      sql("update candle_stick_five_min set gap_ms = 12300, gap_count = 1, updated_at = clock_timestamp() "
          + "where currency_pair = 'BRWAUSDT' and open_time = '" + TestDatabase.utc(newestAligned.openTimeMillis()) + "'");
      browser.await("mark the live gap", "return window.candlesPage.lastRender.gapMs === 12300", 10_000);
      assertEquals(openTimes("gap_ms > 0"), chartTimes(browser, "gapTimes"));
      assertEquals(List.of(gapped / 1000, newestAligned.openTimeMillis() / 1000), chartTimes(browser, "gapTimes"));
      assertThat(browser.driver.findElement(By.id("last")).getText(), containsString("gap 12.3s x1"));
      assertThat(browser.driver.findElement(By.id("last")).getText(), containsString("spread "));
      Thread.sleep(300);
      Files.write(SHOTS.resolve("chart-gap-live.png"), browser.screenshot());

      // The rolling candles: the newest window of all.
      browser.driver.findElement(By.id("step-1m")).click();
      Candle newest = a.get(a.size() - 1);
      browser.await("switch to the rolling candles", "return window.candlesPage.step === '1m' && "
          + "window.candlesPage.lastRender && window.candlesPage.lastRender.time === " + newest.openTimeMillis() / 1000,
          10_000);
      Thread.sleep(300);
      Files.write(SHOTS.resolve("chart-rolling.png"), browser.screenshot());

      // The other pair.
      browser.driver.findElement(By.cssSelector("#pairs button[data-pair='BRWBUSDT']")).click();
      Candle newestB = b.get(b.size() - 1);
      browser.await("switch pair", "return window.candlesPage.pair === 'BRWBUSDT' && window.candlesPage.lastRender "
          + "&& window.candlesPage.lastRender.close === '"
          + Prices.format(io.candles.contract.Prices.midToDecimal(newestB.close())) + "'", 10_000);

      // The push stream is cut: the banner says so.
      assertFalse(browser.driver.findElement(By.id("banner")).isDisplayed());
      server.close();
      server = null;
      browser.await("show the disconnected banner", "return !document.getElementById('banner').hidden", 10_000);
      assertTrue(browser.driver.findElement(By.id("banner")).isDisplayed());
      Files.write(SHOTS.resolve("chart-disconnected.png"), browser.screenshot());
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  private static void sql(String statement) throws Exception {
    try (Connection c = TestDatabase.owner()) {
      assertThat(statement, c.createStatement().executeUpdate(statement), greaterThan(0));
    }
  }

  /** The open times (s) of BRWAUSDT's aligned windows where {@code condition} holds, read from the table. */
  private static List<Long> openTimes(String condition) throws Exception {
    List<Long> times = new ArrayList<>();
    try (Connection c = TestDatabase.owner();
        ResultSet rs = c.createStatement().executeQuery("select extract(epoch from open_time)::bigint "
            + "from candle_stick_five_min where currency_pair = 'BRWAUSDT' and " + condition
            + " and extract(epoch from open_time)::bigint % 300 = 0 order by open_time")) {
      while (rs.next()) {
        times.add(rs.getLong(1));
      }
    }
    return times;
  }

  /** The open times (s) a data attribute of #chart lists. */
  private static List<Long> chartTimes(Browser b, String attribute) {
    String list = (String) b.js("return document.getElementById('chart').dataset." + attribute + ";");
    return list == null || list.isEmpty() ? List.of() : Arrays.stream(list.split(",")).map(Long::valueOf).toList();
  }

  /** {@code over} at {@code alpha} over {@code under}, as the browser composes them. */
  private static int blend(int under, int over, double alpha) {
    int rgb = 0;
    for (int shift = 16; shift >= 0; shift -= 8) {
      int u = (under >> shift) & 0xff;
      int o = (over >> shift) & 0xff;
      rgb |= (int) Math.round(u + (o - u) * alpha) << shift;
    }
    return rgb;
  }

  /** Pixels within a small distance of an RGB colour. */
  private static int colored(BufferedImage img, int rgb) {
    int n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int p = img.getRGB(x, y);
        if (Math.abs(((p >> 16) & 0xff) - ((rgb >> 16) & 0xff)) < 12 && Math.abs(((p >> 8) & 0xff) - ((rgb >> 8) & 0xff)) < 12
            && Math.abs((p & 0xff) - (rgb & 0xff)) < 12) {
          n++;
        }
      }
    }
    return n;
  }

  private static int differing(BufferedImage a, BufferedImage b) {
    int n = 0;
    for (int y = 0; y < Math.min(a.getHeight(), b.getHeight()); y++) {
      for (int x = 0; x < Math.min(a.getWidth(), b.getWidth()); x++) {
        if (a.getRGB(x, y) != b.getRGB(x, y)) {
          n++;
        }
      }
    }
    return n;
  }
}
