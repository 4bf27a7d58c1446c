package io.candles.serve;

/** The names the server shares with the database: the contract's table, the role, the channel. */
public final class CandleTable {
  /** The contract's table: 5-minute candles, a new one every minute. */
  public static final String TABLE = "candle_stick_five_min";
  /** The read-only role sql/serve.sql creates. */
  public static final String READER_ROLE = "candles_reader";
  /** The NOTIFY channel of sql/serve.sql's trigger. */
  public static final String CHANNEL = "candles_changed";
  /** The window length of the table's candles. */
  public static final long WINDOW_MILLIS = 5 * 60_000L;
  /** Binance's name of that length. */
  public static final String INTERVAL = "5m";

  private CandleTable() {}
}
