package io.candles.pipeline;

import io.candles.contract.RejectedTickException;
import io.candles.contract.Tick;
import io.candles.contract.TickJson;

/**
 * Parses tick values, remembering the last one parsed on each thread, so a value is parsed once
 * where it used to be parsed twice: by {@link EventTimePolicy} for its event time (the reader
 * stamps every record), then by {@link ParseTicks} for the rest.
 *
 * <p>Why this is safe: the memo is keyed by the identity of the (immutable) string, and a
 * {@link Tick} is immutable, so a hit returns exactly what parsing would. Why it hits: on Flink
 * the reader and the chained {@code ParseTicks} run on the same thread, one record after the
 * other, and with object reuse the record reaches {@code ParseTicks} uncopied. Where the record
 * is copied between the two (the DirectRunner clones every element; Flink without object reuse)
 * the identity differs and the value is simply parsed again. Rejections are not remembered: they
 * are rare, and the exception is thrown anew.
 */
final class ParsedTicks {

  private static final class Last {
    String value;
    Tick tick;
  }

  private static final ThreadLocal<Last> LAST = ThreadLocal.withInitial(Last::new);

  private ParsedTicks() {}

  static Tick parse(String value) throws RejectedTickException {
    Last last = LAST.get();
    if (value != null && value == last.value) {
      return last.tick;
    }
    Tick tick = TickJson.parse(value);
    last.value = value;
    last.tick = tick;
    return tick;
  }
}
