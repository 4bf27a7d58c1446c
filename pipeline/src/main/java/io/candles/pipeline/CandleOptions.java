package io.candles.pipeline;

import io.candles.contract.TopicNames;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.StreamingOptions;

/**
 * Everything the candle pipeline reads from the command line. Durations are written like
 * {@code 100ms}, {@code 2s}, {@code 5m}, {@code 1h} or ISO-8601 ({@code PT5M}).
 */
public interface CandleOptions extends PipelineOptions, StreamingOptions {

  @Description("Kafka bootstrap servers, host:port[,host:port...].")
  @Default.String("localhost:9092")
  String getBootstrapServers();

  void setBootstrapServers(String value);

  @Description("Topic of tick records (the contract's JSON values, keyed by pair).")
  @Default.String(TopicNames.TICKS)
  String getTopic();

  void setTopic(String value);

  @Description("Dead-letter topic that receives rejected tick records with their reason.")
  @Default.String(TopicNames.DEAD_LETTERS)
  String getDlqTopic();

  void setDlqTopic(String value);

  @Description("JDBC URL of the PostgreSQL database that holds the candle table.")
  @Default.String("jdbc:postgresql://localhost:5432/postgres")
  String getJdbcUrl();

  void setJdbcUrl(String value);

  @Description("Database user.")
  @Default.String("postgres")
  String getJdbcUser();

  void setJdbcUser(String value);

  @Description("Database password.")
  @Default.String("postgres")
  String getJdbcPassword();

  void setJdbcPassword(String value);

  @Description("Candle table; created at start-up (like candle_stick_five_min) when missing. Default: "
      + "candle_stick_five_min for 5m windows every 1m (the contract's), else one named after the windows, "
      + "e.g. candle_stick_15_min or candle_stick_60_min_every_5_min. A table holds one window length: "
      + "writing other windows into it is refused.")
  String getTable();

  void setTable(String value);

  @Description("Candle length: 5m gives the contract's five-minute candles; 1m, 15m or 1h work too.")
  @Default.String("5m")
  String getWindowSize();

  void setWindowSize(String value);

  @Description("How often a new candle window starts; the window size must be a multiple of it.")
  @Default.String("1m")
  String getWindowPeriod();

  void setWindowPeriod(String value);

  @Description("Early (not final) candles: a delay writes one that long after the first tick of a "
      + "pane; 0 writes one as soon as each partial candle is combined (see --partialCandleInterval), "
      + "so how often partials are passed on sets both latency and writes (the Flink launcher's "
      + "default: 0).")
  @Default.String("100ms")
  String getEarlyFiringDelay();

  void setEarlyFiringDelay(String value);

  @Description("How old the oldest partial candle (the ticks of a pair combined so far) may get "
      + "before the partials are passed on to the windows, checked on every tick; they are also "
      + "passed on at the end of each of the runner's bundles. 0 for only the latter. With "
      + "--earlyFiringDelay=0 it bounds how long a tick on a busy stream waits for its row; on "
      + "Flink give it with --maxBundleTimeMills of twice as much (README, Performance, \"The tail\").")
  @Default.String("0ms")
  String getPartialCandleInterval();

  void setPartialCandleInterval(String value);

  @Description("How long after a window's end late ticks still update its candle; later ones are "
      + "counted and dropped.")
  @Default.String("1m")
  String getAllowedLateness();

  void setAllowedLateness(String value);

  @Description("Bounded out-of-orderness: the watermark trails the newest event time by this much.")
  @Default.String("2s")
  String getMaxOutOfOrderness();

  void setMaxOutOfOrderness(String value);

  @Description("A partition known to be caught up with its end offset in Kafka, and without a tick for "
      + "this long, stops holding the watermark back: it advances to (when it was last known to be "
      + "caught up) minus this. A tick stays on time if it reaches Kafka within this of its event time.")
  @Default.String("5s")
  String getIdleTimeout();

  void setIdleTimeout(String value);

  @Description("A tick whose event time is further than this ahead of the clock (of its ingest_time "
      + "when it has one) is rejected as event_time_in_future: a bad clock must not pin the watermark.")
  @Default.String("1m")
  String getMaxClockSkew();

  void setMaxClockSkew(String value);

  @Description("Where a fresh start (no checkpoint or savepoint) reads the tick topic from: 'auto' reads "
      + "from the first tick of the earliest window not yet final in the table (the whole topic the first "
      + "time), 'earliest' the whole topic, or an ISO-8601 time such as 2026-12-01T00:00:00Z from the first "
      + "record at or after it.")
  @Default.String("auto")
  String getStartFrom();

  void setStartFrom(String value);

  @Description("What reading does when the broker has deleted ticks it had not read yet (the topic's "
      + "retention): 'fail' stops with a message naming the partition and offset, since the windows they "
      + "belonged to would be final without them; 'skip' goes on from the earliest tick left.")
  @Default.String("fail")
  String getDeletedTicks();

  void setDeletedTicks(String value);

  @Description("Candle rows per JDBC batch (at most; a bundle's end also flushes).")
  @Default.Integer(1000)
  Integer getJdbcBatchSize();

  void setJdbcBatchSize(Integer value);

  @Description("How long a JDBC batch may wait for more rows before it is written: on a stream "
      + "JdbcIO holds every row this long after the first of its batch.")
  @Default.String("5ms")
  String getJdbcMaxBatchWait();

  void setJdbcMaxBatchWait(String value);
}
