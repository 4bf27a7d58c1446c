package io.candles.flinkcluster;

import io.candles.process.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The REST and RPC ports of a data directory, kept across restarts in the file 'ports'. */
record ClusterPorts(int rest, int rpc) {

  private static final String FILE = "ports";

  /** The requested REST port, else the last run's ports while they are free, else free ones. */
  static ClusterPorts choose(Path dir, int requestedRest) {
    Optional<ClusterPorts> last = read(dir);
    int rest = requestedRest != 0 ? requestedRest : last.map(ClusterPorts::rest).filter(Ports::isFree).orElse(0);
    if (rest == 0) {
      rest = Ports.free();
    } else if (!Ports.isFree(rest)) {
      throw new IllegalStateException("the Flink REST port " + Ports.HOST + ":" + rest + " is already in use; stop what "
          + "uses it or choose another port (--rest-port)");
    }
    int rpc = last.map(ClusterPorts::rpc).filter(Ports::isFree).orElse(0);
    if (rpc == 0 || rpc == rest) {
      rpc = Ports.free();
    }
    return new ClusterPorts(rest, rpc);
  }

  static Optional<ClusterPorts> read(Path dir) {
    Path file = dir.resolve(FILE);
    try {
      if (!Files.exists(file)) {
        return Optional.empty();
      }
      Map<String, Integer> values = new LinkedHashMap<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String[] kv = line.split("=", 2);
        if (kv.length == 2) {
          values.put(kv[0].trim(), Integer.parseInt(kv[1].trim()));
        }
      }
      return values.containsKey("rest") && values.containsKey("rpc")
          ? Optional.of(new ClusterPorts(values.get("rest"), values.get("rpc"))) : Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  void save(Path dir) {
    try {
      Files.writeString(dir.resolve(FILE), "rest=" + rest + "\nrpc=" + rpc + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(FILE), e);
    }
  }
}
