package io.candles.bench;

/** The measured ticks: each one's send time (epoch ms) and latency (ms), the first n entries. */
record TickFlights(long[] sendTime, long[] latency, int n) {

  Percentiles percentiles() {
    return Percentiles.of(latency, n);
  }

  /** When the i-th tick became visible: the end of its flight. */
  long seen(int i) {
    return sendTime[i] + latency[i];
  }
}
