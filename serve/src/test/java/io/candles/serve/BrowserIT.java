package io.candles.serve;

import static io.candles.serve.TestDatabase.candle;
import static org.hamcrest.MatcherAssert.assertThat;
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
import java.util.ArrayList;
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
