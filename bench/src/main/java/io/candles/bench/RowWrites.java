package io.candles.bench;

/**
 * The candle table's write counters in pg_stat_user_tables at one moment: inserts plus updates,
 * and of the updates those that were HOT (heap-only: no index entry written). PostgreSQL
 * publishes them with a delay of up to about a second, the same at both ends of a window.
 */
record RowWrites(long at, long insertsAndUpdates, long hotUpdates) {

  /** Rows written per second from {@code start} to this sample. */
  double perSecondSince(RowWrites start) {
    return rate(insertsAndUpdates - start.insertsAndUpdates, start);
  }

  double hotPerSecondSince(RowWrites start) {
    return rate(hotUpdates - start.hotUpdates, start);
  }

  private double rate(long count, RowWrites start) {
    return at > start.at ? count * 1000.0 / (at - start.at) : 0;
  }
}
