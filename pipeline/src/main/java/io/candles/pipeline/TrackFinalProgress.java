package io.candles.pipeline;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PDone;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records in {@code candle_progress.final_through} how far the candle table is final and written:
 * every window that ends at or before it has its final candle in the table, for every pair. A
 * restart reads Kafka only from the first tick of the windows after it ({@link ResumePoint}), so
 * its time does not grow with the topic's retention.
 *
 * <p>Why a watermark and not the table: the upserts are sharded and run in parallel, so a crash can
 * leave one pair's final candle of a window written and another's not; the table alone cannot say
 * which windows are complete. The output of {@link UpsertCandles} carries no elements, but its
 * watermark passes a time only once every candle stamped before it is written (JdbcIO holds the
 * watermark for rows it buffers). A final candle is stamped just before its window's end, so when
 * an event-time timer at a window's end fires behind that watermark, every final candle of the
 * windows ending by then is in the table. The final candles themselves only say where to set the
 * next timer: the end of the newest window seen final.
 *
 * <p>Best effort by design: a failed write is logged and the next one catches up, since a marker
 * that lags only makes a restart read a little more.
 */
final class TrackFinalProgress extends PTransform<PCollection<Candle>, PDone> {
  private static final long serialVersionUID = 1L;

  private final JdbcSettings jdbc;
  private final String table;
  private final CandleWindowing windowing;
  private final PCollection<Void> written;

  /** @param written the output of the {@link UpsertCandles} that writes these candles */
  TrackFinalProgress(JdbcSettings jdbc, String table, CandleWindowing windowing, PCollection<Void> written) {
    super("TrackFinalProgress");
    this.jdbc = jdbc;
    this.table = table;
    this.windowing = windowing;
    this.written = written;
  }

  @Override
  public PDone expand(PCollection<Candle> candles) {
    KvCoder<String, Long> coder = KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of());
    PCollection<KV<String, Long>> finalEnds = candles
        .apply("FinalWindowEnds", ParDo.of(new FinalWindowEndFn()))
        .setCoder(coder)
        .apply("GlobalForEnds", global());
    // No elements ever: only the watermark of the writes matters.
    PCollection<KV<String, Long>> writes = written
        .apply("Written", ParDo.of(new NoElementsFn()))
        .setCoder(coder)
        .apply("GlobalForWrites", global());
    PCollectionList.of(finalEnds).and(writes)
        .apply(Flatten.pCollections())
        .apply("RecordFinalThrough", ParDo.of(new RecordFn(jdbc, table, windowing)));
    return PDone.in(candles.getPipeline());
  }

  private static Window<KV<String, Long>> global() {
    return Window.<KV<String, Long>>into(new GlobalWindows())
        .triggering(Repeatedly.forever(AfterPane.elementCountAtLeast(1)))
        .discardingFiredPanes()
        .withAllowedLateness(Duration.ZERO);
  }

  /** Carries the watermark of the writes into the same shape as the window ends. */
  static final class NoElementsFn extends DoFn<Void, KV<String, Long>> {
    private static final long serialVersionUID = 1L;

    @ProcessElement
    public void process() {}
  }

  /** One key, so one timer follows the whole table. */
  static final class FinalWindowEndFn extends DoFn<Candle, KV<String, Long>> {
    private static final long serialVersionUID = 1L;

    @ProcessElement
    public void process(@Element Candle c, OutputReceiver<KV<String, Long>> out) {
      if (c.isFinal()) {
        out.output(KV.of("", c.closeTimeMillis()));
      }
    }
  }

  static final class RecordFn extends DoFn<KV<String, Long>, Void> {
    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(TrackFinalProgress.class);

    private final JdbcSettings jdbc;
    private final String table;
    private final long sizeMillis;
    private final long periodMillis;
    private transient Connection connection;
    private transient long lastFailureLog;

    @StateId("newestFinalEnd")
    private final StateSpec<ValueState<Long>> newestFinalEnd = StateSpecs.value(VarLongCoder.of());

    @StateId("armedAt")
    private final StateSpec<ValueState<Long>> armedAt = StateSpecs.value(VarLongCoder.of());

    @TimerId("written")
    private final TimerSpec writtenTimer = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    RecordFn(JdbcSettings jdbc, String table, CandleWindowing windowing) {
      this.jdbc = jdbc;
      this.table = table;
      this.sizeMillis = windowing.size().getMillis();
      this.periodMillis = windowing.period().getMillis();
    }

    @ProcessElement
    public void process(@Element KV<String, Long> windowEnd,
        @StateId("newestFinalEnd") ValueState<Long> newest,
        @StateId("armedAt") ValueState<Long> armed,
        @TimerId("written") Timer timer) {
      Long known = newest.read();
      long end = known == null ? windowEnd.getValue() : Math.max(known, windowEnd.getValue());
      newest.write(end);
      if (armed.read() == null) {
        timer.set(new Instant(end));
        armed.write(end);
      }
    }

    @OnTimer("written")
    public void onWritten(OnTimerContext context,
        @StateId("newestFinalEnd") ValueState<Long> newest,
        @StateId("armedAt") ValueState<Long> armed,
        @TimerId("written") Timer timer) {
      long through = context.fireTimestamp().getMillis();
      record(through);
      Long end = newest.read();
      if (end != null && end > through) {
        timer.set(new Instant(end));
        armed.write(end);
      } else {
        armed.clear();
      }
    }

    private void record(long finalThrough) {
      try {
        if (connection == null || connection.isClosed()) {
          connection = jdbc.connect(10);
        }
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO candle_progress "
            + "(candle_table, window_size_ms, window_period_ms, final_through, updated_at) "
            + "VALUES (?, ?, ?, ?, clock_timestamp()) ON CONFLICT (candle_table) DO UPDATE SET "
            + "final_through = GREATEST(candle_progress.final_through, EXCLUDED.final_through), "
            + "updated_at = EXCLUDED.updated_at")) {
          ps.setString(1, table);
          ps.setLong(2, sizeMillis);
          ps.setLong(3, periodMillis);
          ps.setObject(4, LocalDateTime.ofEpochSecond(Math.floorDiv(finalThrough, 1000),
              (int) Math.floorMod(finalThrough, 1000) * 1_000_000, ZoneOffset.UTC));
          ps.executeUpdate();
        }
      } catch (SQLException e) {
        close();
        long now = System.currentTimeMillis();
        if (now - lastFailureLog > 60_000) {
          lastFailureLog = now;
          LOG.warn("Could not record in candle_progress that {} is final through {} ({}); the next final "
              + "window records it again. A restart meanwhile reads from an earlier point.", table,
              java.time.Instant.ofEpochMilli(finalThrough), e.getMessage());
        }
      }
    }

    private void close() {
      try {
        if (connection != null) {
          connection.close();
        }
      } catch (SQLException ignored) {
        // Already broken.
      }
      connection = null;
    }

    @Teardown
    public void teardown() {
      close();
    }
  }
}
