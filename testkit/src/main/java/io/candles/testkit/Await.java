package io.candles.testkit;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition; integration tests only (unit tests never sleep). */
public final class Await {
  private Await() {}

  public static void until(String what, long timeoutMillis, BooleanSupplier condition) throws InterruptedException {
    until(what, timeoutMillis, condition, () -> "");
  }

  public static void until(String what, long timeoutMillis, BooleanSupplier condition, Supplier<String> state)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeoutMillis + " ms waiting for " + what + " " + state.get());
      }
      Thread.sleep(20);
    }
  }
}
