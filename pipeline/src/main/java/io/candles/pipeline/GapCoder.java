package io.candles.pipeline;

import io.candles.contract.Gap;
import io.candles.contract.GapCause;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.util.VarInt;

/** A compact, deterministic coder for {@link Gap}: pair, start, length, cause code. */
public final class GapCoder extends AtomicCoder<Gap> {
  private static final long serialVersionUID = 1L;

  private static final GapCoder INSTANCE = new GapCoder();
  private static final StringUtf8Coder STRING = StringUtf8Coder.of();

  public static GapCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(Gap g, OutputStream out) throws IOException {
    STRING.encode(g.pair(), out);
    VarInt.encode(g.startMillis(), out);
    VarInt.encode(g.lengthMillis(), out);
    STRING.encode(g.cause().code(), out);
  }

  @Override
  public Gap decode(InputStream in) throws IOException {
    String pair = STRING.decode(in);
    long start = VarInt.decodeLong(in);
    return new Gap(pair, start, start + VarInt.decodeLong(in), GapCause.of(STRING.decode(in)));
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean consistentWithEquals() {
    return true;
  }
}
