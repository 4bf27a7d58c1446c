package io.candles.pipeline;

import io.candles.contract.RejectReason;
import io.candles.contract.RejectedTickException;
import io.candles.contract.Tick;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.util.VarInt;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A tick record's value as the pipeline reads it: parsed and validated once, where Kafka's bytes
 * are deserialized ({@link TickValueDeserializer}), so the timestamp policy and
 * {@link ParseTicks} share one parse. Either the accepted {@link Tick}, or the rejection with the
 * raw value it must carry to the dead-letter topic.
 */
public sealed interface TickValue {

  /** A value that meets the contract. */
  record Accepted(Tick tick) implements TickValue {}

  /**
   * A value that breaks the contract.
   *
   * @param raw the value as received (decoded as UTF-8), or null for a record without a value
   */
  record Rejected(@Nullable String raw, RejectReason reason, String detail) implements TickValue {
    static Rejected of(@Nullable String raw, RejectedTickException e) {
      return new Rejected(raw, e.reason(), e.detail());
    }

    RejectedTickException exception() {
      return new RejectedTickException(reason, detail);
    }
  }

  /**
   * A compact, deterministic coder. An accepted tick is its fields in fixed order (prices and
   * times as variable-length longs); a rejection is its raw value, reason code and detail. Reasons
   * are written by code, not ordinal, so a checkpoint survives a reordering of the enum.
   */
  final class Coder extends AtomicCoder<TickValue> {
    private static final Coder INSTANCE = new Coder();
    private static final StringUtf8Coder STRING = StringUtf8Coder.of();
    private static final NullableCoder<String> NULLABLE = NullableCoder.of(STRING);
    private static final int ACCEPTED = 0;
    private static final int REJECTED = 1;

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(TickValue value, OutputStream out) throws IOException {
      if (value instanceof Accepted a) {
        Tick t = a.tick();
        out.write(ACCEPTED);
        STRING.encode(t.pair(), out);
        VarInt.encode(t.bid(), out);
        VarInt.encode(t.ask(), out);
        VarInt.encode(t.eventTimeMillis(), out);
        VarInt.encode(t.ingestTimeMillis(), out);
        NULLABLE.encode(t.exchange(), out);
        VarInt.encode(t.updateId(), out);
      } else {
        Rejected r = (Rejected) value;
        out.write(REJECTED);
        NULLABLE.encode(r.raw(), out);
        STRING.encode(r.reason().code(), out);
        STRING.encode(r.detail(), out);
      }
    }

    @Override
    public TickValue decode(InputStream in) throws IOException {
      int tag = in.read();
      if (tag == ACCEPTED) {
        return new Accepted(new Tick(STRING.decode(in), VarInt.decodeLong(in),
            VarInt.decodeLong(in), VarInt.decodeLong(in), VarInt.decodeLong(in),
            NULLABLE.decode(in), VarInt.decodeLong(in)));
      }
      if (tag == REJECTED) {
        String raw = NULLABLE.decode(in);
        String code = STRING.decode(in);
        return new Rejected(raw, reasonOf(code), STRING.decode(in));
      }
      throw new CoderException("not an encoded TickValue: tag " + tag);
    }

    private static RejectReason reasonOf(String code) throws CoderException {
      for (RejectReason r : RejectReason.values()) {
        if (r.code().equals(code)) {
          return r;
        }
      }
      throw new CoderException("unknown reject reason '" + code + "' in an encoded TickValue");
    }

    @Override
    public void verifyDeterministic() {}

    @Override
    public boolean consistentWithEquals() {
      return true;
    }
  }
}
