package io.candles.bench.jmh;

import io.candles.contract.Tick;
import io.candles.contract.TickJson;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The pipeline's per-tick parse, from the Kafka value's bytes to a {@link Tick}: reading the bytes
 * directly, against decoding them into a {@code String} first (what Kafka's
 * {@code StringDeserializer} did), and against the same reader written on Jackson's streaming
 * parser ({@code jacksonStreaming}). The values are the benchmark's own ticks (bench.sh's
 * {@code TickLoad}), over 50 pairs, so the pair table is exercised as in a run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TickParseBenchmark {
  private byte[][] values;
  private int next;
  private final JacksonTickReader jackson = new JacksonTickReader();

  @Setup
  public void setUp() {
    values = new byte[50][];
    long t = 1_700_000_000_000L;
    for (int p = 0; p < values.length; p++) {
      String pair = "PAIR" + p + "USDT";
      values[p] = TickJson.write(pair, String.format("58000.%02d", p),
          String.format("58000.%02d", p + 10), t + p, t + p + 25,
          "bench", Tick.NO_UPDATE_ID).getBytes(StandardCharsets.UTF_8);
    }
  }

  private byte[] nextValue() {
    byte[] v = values[next];
    next = next + 1 == values.length ? 0 : next + 1;
    return v;
  }

  @Benchmark
  public Tick parseBytes() throws Exception {
    byte[] v = nextValue();
    return TickJson.parse(v, 0, v.length);
  }

  /** The same bytes to the same Tick on Jackson's streaming parser (see {@link JacksonTickReader}). */
  @Benchmark
  public Tick jacksonStreaming() throws Exception {
    byte[] v = nextValue();
    return jackson.parse(v, 0, v.length);
  }

  @Benchmark
  public Tick decodeThenParse() throws Exception {
    return TickJson.parse(new String(nextValue(), StandardCharsets.UTF_8));
  }
}
