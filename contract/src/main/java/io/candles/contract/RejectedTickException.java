package io.candles.contract;

/**
 * A tick record that breaks the contract: the reason and a one-line detail naming the field and
 * value. Expected on the hot path for bad input, so it carries no stack trace.
 */
public final class RejectedTickException extends Exception {
  private final RejectReason reason;

  public RejectedTickException(RejectReason reason, String detail) {
    super(detail, null, false, false);
    this.reason = reason;
  }

  public RejectReason reason() {
    return reason;
  }

  public String detail() {
    return getMessage();
  }
}
