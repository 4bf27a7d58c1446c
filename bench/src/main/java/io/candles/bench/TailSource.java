package io.candles.bench;

/** A known cause of latency outside the pipeline's own code, whose times the benchmark can read from a log. */
enum TailSource {
  FLINK_CHECKPOINT("flinkCheckpoint", "a Flink checkpoint", "Flink checkpoints"),
  GC_PAUSE("gcPause", "a GC pause", "GC pauses"),
  PG_CHECKPOINT("pgCheckpoint", "a PG checkpoint", "PG checkpoints"),
  AUTOVACUUM("autovacuum", "autovacuum", "autovacuum runs"),
  CPU_SATURATED("cpuSaturated", "all cores busy", "stretches of all cores busy");

  /** The prefix of its keys in the result JSON. */
  final String key;
  /** As in "during a GC pause". */
  final String during;
  /** As in "3 GC pauses". */
  final String plural;

  TailSource(String key, String during, String plural) {
    this.key = key;
    this.during = during;
    this.plural = plural;
  }
}
