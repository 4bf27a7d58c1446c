package io.candles.serve;

import java.util.concurrent.atomic.LongAdder;

/** Counters for {@code GET /status}: what the server has done, for operators and the tests. */
final class ServerStats {
  final LongAdder notifications = new LongAdder();
  final LongAdder rowsReread = new LongAdder();
  final LongAdder feedReconnects = new LongAdder();
  final LongAdder statesDispatched = new LongAdder();
  final LongAdder statesCoalesced = new LongAdder();
  final LongAdder eventsSent = new LongAdder();
  final LongAdder eventsConflated = new LongAdder();
  final LongAdder clientsClosedSlow = new LongAdder();
  final LongAdder clientsClosedOverLimit = new LongAdder();
  final LongAdder clientsRefused = new LongAdder();
  volatile boolean feedConnected;
}
