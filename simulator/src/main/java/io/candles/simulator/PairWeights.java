package io.candles.simulator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How busy each pair is relative to the others, as on a real exchange where BTCUSDT's book changes
 * several times as often as a small pair's. Normalized so the configured pairs average 1, so that a
 * per-pair rate stays the mean per pair whichever pairs are chosen.
 */
final class PairWeights {
  private static final Map<String, Double> RAW = Map.of(
      "BTCUSDT", 2.0, "ETHUSDT", 1.2, "SOLUSDT", 0.8, "BNBUSDT", 0.6, "XRPUSDT", 0.6);
  private static final double OTHER = 0.5;

  private PairWeights() {}

  /** Each pair's weight, averaging 1 over {@code pairs}. */
  static Map<String, Double> of(List<String> pairs) {
    double sum = 0;
    for (String p : pairs) {
      sum += RAW.getOrDefault(p, OTHER);
    }
    Map<String, Double> out = new LinkedHashMap<>();
    for (String p : pairs) {
      out.put(p, RAW.getOrDefault(p, OTHER) * pairs.size() / sum);
    }
    return out;
  }
}
