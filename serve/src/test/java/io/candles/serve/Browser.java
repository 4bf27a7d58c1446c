package io.candles.serve;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.function.Supplier;
import org.junit.Assume;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium from Debian's {@code chromium} package, driven through Debian's
 * {@code chromium-driver} by Selenium: both named by path, so nothing is ever downloaded (and
 * SE_OFFLINE, set by the build, forbids Selenium from trying). A fresh profile per run.
 */
final class Browser implements AutoCloseable {
  static final String CHROMIUM = "/usr/bin/chromium";
  static final String CHROMEDRIVER = "/usr/bin/chromedriver";

  final ChromeDriver driver;
  private final Path profile;

  private Browser(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  static Browser start() throws IOException {
    if (!new File(CHROMIUM).canExecute() || !new File(CHROMEDRIVER).canExecute()) {
      // .ci/run installs them; a developer machine without them is told what to install.
      throw new IllegalStateException("the browser test needs Debian's chromium and chromium-driver: "
          + "apt-get install -y chromium chromium-driver");
    }
    Path profile = Files.createTempDirectory(Files.createDirectories(Paths.get("target")), "chromium-profile-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir=" + profile,
        "--window-size=1280,720", "--hide-scrollbars");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
    return new Browser(new ChromeDriver(service, options), profile);
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** Waits until the script returns true. */
  void await(String what, String script, long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (!Boolean.TRUE.equals(js(script))) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("the page did not " + what + " within " + timeoutMillis + " ms; state: "
            + js("return JSON.stringify({connected: window.candlesPage && window.candlesPage.connected, "
                + "last: window.candlesPage && window.candlesPage.lastRender, status: "
                + "document.getElementById('status').textContent})"));
      }
      Thread.sleep(50);
    }
  }

  static void await(String what, Supplier<Boolean> condition, long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (!condition.get()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError(what + " within " + timeoutMillis + " ms");
      }
      Thread.sleep(50);
    }
  }

  byte[] screenshot() {
    return ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
  }

  @Override
  public void close() throws IOException {
    driver.quit();
    try (var files = Files.walk(profile)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
