package io.candles.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.util.VarInt;

/**
 * The open, high, low and close of one price series over a window, in that series' fixed-point
 * units (10^-9 for the mid, 10^-8 for the bid and the ask; see {@link io.candles.contract.Prices}).
 */
public record Bar(long open, long high, long low, long close) {

  void encode(OutputStream out) throws IOException {
    VarInt.encode(open, out);
    VarInt.encode(high, out);
    VarInt.encode(low, out);
    VarInt.encode(close, out);
  }

  static Bar decode(InputStream in) throws IOException {
    return new Bar(VarInt.decodeLong(in), VarInt.decodeLong(in), VarInt.decodeLong(in), VarInt.decodeLong(in));
  }
}
