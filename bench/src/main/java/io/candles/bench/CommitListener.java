package io.candles.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * A bare LISTEN on the candle server's channel, in the benchmark's own process: when each row
 * state's notification reaches a plain client, which is when the writing transaction has
 * committed (a row is not visible to readers before). Between the table's audit time (taken as
 * the row is written, inside the transaction) and the WebSocket client's arrival, it splits what
 * the rest of the pipeline's transaction takes from what the server itself adds.
 */
final class CommitListener implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Seen(long atMillis, String key, long ticks) {}

  private final Connection c;
  private final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
  private final Thread thread;
  private volatile boolean closed;

  CommitListener(String jdbcUrl, String user, String password) throws SQLException {
    c = DriverManager.getConnection(jdbcUrl, user, password);
    try (Statement s = c.createStatement()) {
      s.execute("LISTEN candles_changed");
    }
    thread = new Thread(this::run, "bench-commit-listener");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      PGConnection pg = c.unwrap(PGConnection.class);
      while (!closed) {
        PGNotification[] notes = pg.getNotifications(500);
        long now = System.currentTimeMillis();
        if (notes == null) {
          continue;
        }
        for (PGNotification n : notes) {
          JsonNode row = JSON.readTree(n.getParameter());
          long openTime = LocalDateTime.parse(row.get("open_time").asText()).toInstant(ZoneOffset.UTC).toEpochMilli();
          seen.add(new Seen(now, row.get("currency_pair").asText() + "|" + openTime, row.get("tick_count").asLong()));
        }
      }
    } catch (Exception e) {
      if (!closed) {
        System.out.println("commit listener stopped: " + e);
      }
    }
  }

  /** "pair|openTime" -> seenAt, tickCount, ... in arrival order. */
  Map<String, CandleTable.LongList> log() {
    Map<String, CandleTable.LongList> out = new HashMap<>();
    for (Seen s : seen) {
      CandleTable.LongList l = out.computeIfAbsent(s.key(), k -> new CandleTable.LongList());
      l.add(s.atMillis());
      l.add(s.ticks());
    }
    return out;
  }

  @Override
  public void close() throws SQLException {
    closed = true;
    c.close();
  }
}
