package io.candles.pipeline;

/** A service the pipeline needs is not there; the message is meant for the user as is (one line). */
public final class ServiceUnavailableException extends RuntimeException {
  public ServiceUnavailableException(String message) {
    super(message, null, false, false);
  }
}
