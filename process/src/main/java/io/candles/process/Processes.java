package io.candles.process;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Stopping a child process. */
public final class Processes {

  private Processes() {}

  /**
   * SIGTERM, so the process can flush and close (its shutdown hooks run); SIGKILL if it has not exited
   * after {@code grace}, then up to {@code afterKill} for it to be gone. Interrupted, it kills at once
   * and keeps the interrupt.
   */
  public static void stop(Process process, Duration grace, Duration afterKill) {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    kill(process, afterKill);
  }

  /** SIGKILL (no shutdown hook, nothing flushed); waits up to {@code wait} for the process to be gone. */
  public static void kill(Process process, Duration wait) {
    process.destroyForcibly();
    if (Thread.currentThread().isInterrupted()) {
      return;
    }
    try {
      process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
