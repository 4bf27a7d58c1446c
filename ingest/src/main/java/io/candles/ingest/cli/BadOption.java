package io.candles.ingest.cli;

/** A bad command line, as one line saying what is wrong and what to do. */
public final class BadOption extends Exception {
  public BadOption(String message) {
    super(message, null, false, false);
  }
}
