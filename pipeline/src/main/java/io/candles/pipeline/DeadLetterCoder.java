package io.candles.pipeline;

import io.candles.contract.DeadLetter;
import io.candles.contract.RejectReason;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.CoderException;

/** Encodes the contract's {@link DeadLetter}; rare, so plain strings are fine. */
public final class DeadLetterCoder extends AtomicCoder<DeadLetter> {
  // The value the JVM derived before it was declared: savepoints taken since stay readable.
  private static final long serialVersionUID = -3123461007456588345L;

  private static final DeadLetterCoder INSTANCE = new DeadLetterCoder();
  private static final NullableCoder<String> STRING = NullableCoder.of(StringUtf8Coder.of());
  private static final RejectReason[] REASONS = RejectReason.values();

  public static DeadLetterCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(DeadLetter d, OutputStream out) throws IOException {
    STRING.encode(d.key(), out);
    STRING.encode(d.raw(), out);
    // By code, not ordinal: a checkpoint must survive a reordering of the enum.
    STRING.encode(d.reason().code(), out);
    STRING.encode(d.detail(), out);
    STRING.encode(d.source(), out);
  }

  @Override
  public DeadLetter decode(InputStream in) throws IOException {
    String key = STRING.decode(in);
    String raw = STRING.decode(in);
    RejectReason reason = reasonOf(STRING.decode(in));
    return new DeadLetter(key, raw, reason, STRING.decode(in), STRING.decode(in));
  }

  private static RejectReason reasonOf(String code) throws CoderException {
    for (RejectReason r : REASONS) {
      if (r.code().equals(code)) {
        return r;
      }
    }
    throw new CoderException("unknown reject reason '" + code + "' in an encoded dead letter");
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean consistentWithEquals() {
    return true;
  }
}
