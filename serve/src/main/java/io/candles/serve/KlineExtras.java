package io.candles.serve;

import java.util.List;

/**
 * The table's columns beyond Binance's kline fields, and how each appears in a kline: as a field of
 * a WebSocket event's {@code k} object, and in the object that REST appends to each kline with
 * {@code &extended=true}. Adding a column (issue 16's bid/ask OHLC, gap marks, ingest time) is one
 * entry here; a column the table does not have yet is left out until it does.
 */
public final class KlineExtras {

  /** How a column's value is read and written. */
  public enum Kind {
    /** A {@code timestamp} in UTC, written as epoch milliseconds (null stays null). */
    UTC_MILLIS,
    /** A {@code numeric}, written as an exact decimal string like the prices. */
    DECIMAL,
    /** A {@code bigint} or {@code integer}. */
    INTEGER,
    /** A {@code boolean}. */
    BOOLEAN,
    /** A {@code text}. */
    TEXT
  }

  /**
   * One column.
   *
   * @param column the table's column
   * @param key the JSON field name in a kline
   * @param kind how it is read and written
   * @param meaning one line for the README and the page
   */
  public record Extra(String column, String key, Kind kind, String meaning) {}

  /** Every extra column, in the order they are written. */
  public static final List<Extra> ALL = List.of(
      new Extra("last_event_time", "lastEventTime", Kind.UTC_MILLIS,
          "event time (epoch ms, UTC) of the window's newest tick: how fresh the candle is"));

  private KlineExtras() {}
}
