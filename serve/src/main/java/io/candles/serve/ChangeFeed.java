package io.candles.serve;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The candle table's changes, as they commit: one connection of its own LISTENs on the trigger's
 * channel (sql/serve.sql) and hands every changed row to a consumer. Nothing polls: the thread
 * waits on the socket, and after 10 s of silence checks that the connection is alive.
 *
 * <p>When the connection is lost it reconnects (with backoff), LISTENs again, and then reads
 * every row written since shortly before the newest change it had seen, so no change made while
 * it was away is missed, a final candle least of all. "Shortly before": a row's updated_at is taken
 * when its statement runs, and its notification comes at commit, so a change committed after the
 * last one seen can carry an earlier updated_at, by at most the length of the writing transaction
 * ({@link #REREAD_MARGIN_MICROS}). Rows read twice are harmless: the dispatcher drops states it
 * already sent.
 */
final class ChangeFeed implements Runnable, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChangeFeed.class);
  /** The longest a writing transaction is assumed to take between its updated_at and its commit. */
  static final long REREAD_MARGIN_MICROS = 60_000_000L;
  /** After this much silence the connection is checked with a query. */
  private static final int LIVENESS_CHECK_MILLIS = 10_000;
  /** Seen in pg_stat_activity, and by the tests that kill this connection. */
  static final String APPLICATION_NAME = "candles-serve-listen";

  private final ServeOptions.Settings settings;
  private final CandleStore store;
  private final Consumer<CandleRow> sink;
  private final ServerStats stats;
  private final ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  private final Thread thread;
  private volatile boolean closed;
  private volatile Connection connection;
  /** The newest updated_at seen, epoch micros; the point a re-read after a reconnect starts from. */
  private long highWaterMicros = Long.MIN_VALUE;

  ChangeFeed(ServeOptions.Settings settings, CandleStore store, Consumer<CandleRow> sink, ServerStats stats) {
    this.settings = settings;
    this.store = store;
    this.sink = sink;
    this.stats = stats;
    this.thread = new Thread(this, "candles-change-feed");
    this.thread.setDaemon(true);
  }

  /** Connects and listens before returning, so that every change committed after start() is seen. */
  void start() throws SQLException {
    connect();
    thread.start();
  }

  @Override
  public void run() {
    long backoffMillis = 100;
    while (!closed) {
      try {
        if (connection == null) {
          int reread = connect();
          stats.feedReconnects.increment();
          log.info("change feed: listening again; re-read {} rows written since shortly before the last change seen",
              reread);
          backoffMillis = 100;
        }
        listen();
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          return;
        }
        stats.feedConnected = false;
        closeQuietly();
        log.warn("change feed: lost the database connection ({}); reconnecting in {} ms",
            DatabaseSetup.oneLine(e), backoffMillis);
        sleep(backoffMillis + ThreadLocalRandom.current().nextLong(backoffMillis / 2 + 1));
        backoffMillis = Math.min(backoffMillis * 2, 5_000);
      }
    }
  }

  /** Connects and listens; returns how many rows it re-read (0 on the first connection). */
  private int connect() throws SQLException {
    // The socket timeout bounds the liveness query on a network that died without a word; the
    // waits for notifications set their own, shorter one.
    Connection c = DatabaseSetup.connect(settings.jdbcUrl(), settings.jdbcUser(), settings.jdbcPassword(),
        APPLICATION_NAME, 30);
    int reread = 0;
    try {
      try (PreparedStatement ps = c.prepareStatement("LISTEN " + CandleTable.CHANNEL)) {
        ps.execute();
      }
      if (highWaterMicros == Long.MIN_VALUE) {
        // The first connection: nothing was sent before, so the feed starts now.
        try (PreparedStatement ps = c.prepareStatement("SELECT clock_timestamp()");
            ResultSet rs = ps.executeQuery()) {
          rs.next();
          highWaterMicros = CandleColumns.micros(rs.getObject(1, OffsetDateTime.class).toInstant());
        }
      } else {
        // Listening again: what changed while away, before anything newer arrives as a notification.
        for (CandleRow row : store.changedSince(c, highWaterMicros - REREAD_MARGIN_MICROS)) {
          stats.rowsReread.increment();
          reread++;
          accept(row);
        }
      }
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
    connection = c;
    stats.feedConnected = true;
    return reread;
  }

  private void listen() throws SQLException {
    PGConnection pg = connection.unwrap(PGConnection.class);
    while (!closed) {
      PGNotification[] notes = pg.getNotifications(LIVENESS_CHECK_MILLIS);
      if (notes == null || notes.length == 0) {
        try (PreparedStatement ps = connection.prepareStatement("SELECT 1")) {
          ps.setQueryTimeout(10);
          ps.executeQuery().close();
        }
        continue;
      }
      for (PGNotification n : notes) {
        stats.notifications.increment();
        handle(n.getParameter());
      }
    }
  }

  private void handle(String payload) throws SQLException {
    JsonNode row;
    try {
      row = json.readTree(payload);
    } catch (java.io.IOException e) {
      log.warn("change feed: a notification that is not JSON, ignored: {}", payload.length() > 200
          ? payload.substring(0, 200) + "..." : payload);
      return;
    }
    if (row.path("key_only").asBoolean(false)) {
      // Too big to travel whole (sql/serve.sql): read it back.
      CandleRow r = store.row(row.get("currency_pair").asText(),
          CandleColumns.utcMillis(LocalDateTime.parse(row.get("open_time").asText())));
      if (r != null) {
        accept(r);
      }
      return;
    }
    accept(store.columns().read(row));
  }

  private void accept(CandleRow row) {
    highWaterMicros = Math.max(highWaterMicros, row.updatedAtMicros());
    sink.accept(row);
  }

  private void closeQuietly() {
    Connection c = connection;
    connection = null;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        // Already gone.
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    closeQuietly();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
