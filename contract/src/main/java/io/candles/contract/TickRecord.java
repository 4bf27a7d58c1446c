package io.candles.contract;

/**
 * A record on the ticks topic: a {@link Tick}, or a {@link Gap} the ingester marks in the same
 * pair's partition so it is ordered with the pair's ticks. A value with {@code "kind":"gap"} is a
 * gap; a value without {@code kind} is a tick, as every value was before gaps existed.
 */
public sealed interface TickRecord permits Tick, Gap {

  /** The pair symbol, also the record's key. */
  String pair();
}
