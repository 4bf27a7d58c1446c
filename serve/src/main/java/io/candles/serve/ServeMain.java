package io.candles.serve;

import java.util.concurrent.CountDownLatch;

/** {@code java -jar candles-serve.jar [options]}: see {@link ServeOptions} and {@code --help}. */
public final class ServeMain {
  private ServeMain() {}

  public static void main(String[] args) throws InterruptedException {
    if (ServeOptions.wantsHelp(args)) {
      System.out.println(ServeOptions.usage());
      return;
    }
    ServeOptions.Settings settings;
    try {
      settings = ServeOptions.parse(System.getenv(), args);
    } catch (ServeOptions.BadOption e) {
      System.err.println("error: " + e.getMessage());
      System.exit(2);
      return;
    }
    CandleServer server;
    try {
      server = CandleServer.start(settings);
    } catch (StartupFailure e) {
      System.err.println("error: " + e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "candles-serve-stop"));
    String base = server.baseUrl();
    // One line each, for people and for scripts that wait for the server (run-local.sh).
    System.out.println("Candle server ready at " + base + "/");
    System.out.println("  REST:      curl '" + base + "/api/v3/klines?symbol=BTCUSDT&interval=5m&limit=12'");
    System.out.println("  WebSocket: " + base.replace("http://", "ws://") + "/ws/btcusdt@kline_5m");
    stopped.await();
  }
}
