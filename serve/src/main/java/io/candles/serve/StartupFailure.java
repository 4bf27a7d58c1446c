package io.candles.serve;

/** The server cannot start: one line saying what, why and what to do. */
public final class StartupFailure extends Exception {
  public StartupFailure(String message) {
    super(message, null, false, false);
  }
}
