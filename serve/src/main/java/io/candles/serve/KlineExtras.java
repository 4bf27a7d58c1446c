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
          "event time (epoch ms, UTC) of the window's newest tick: how fresh the candle is"),
      new Extra("last_ingest_time", "lastIngestTime", Kind.UTC_MILLIS,
          "ingest time (epoch ms, UTC) of the window's newest tick: with lastEventTime, how late it arrived"),
      new Extra("bid_open", "bidOpen", Kind.DECIMAL, "the best bid at the window's first tick"),
      new Extra("bid_high", "bidHigh", Kind.DECIMAL, "the highest best bid in the window"),
      new Extra("bid_low", "bidLow", Kind.DECIMAL, "the lowest best bid in the window"),
      new Extra("bid_close", "bidClose", Kind.DECIMAL, "the best bid at the window's last tick"),
      new Extra("ask_open", "askOpen", Kind.DECIMAL, "the best ask at the window's first tick"),
      new Extra("ask_high", "askHigh", Kind.DECIMAL, "the highest best ask in the window"),
      new Extra("ask_low", "askLow", Kind.DECIMAL, "the lowest best ask in the window"),
      new Extra("ask_close", "askClose", Kind.DECIMAL, "the best ask at the window's last tick"),
      new Extra("spread_min", "spreadMin", Kind.DECIMAL, "the smallest spread (ask - bid) of the window's ticks"),
      new Extra("spread_max", "spreadMax", Kind.DECIMAL, "the largest spread (ask - bid) of the window's ticks"),
      new Extra("spread_mean", "spreadMean", Kind.DECIMAL, "the mean spread (ask - bid) per tick of the window"),
      new Extra("spread_twa", "spreadTwa", Kind.DECIMAL,
          "the spread (ask - bid) weighted by how long each held, from the window start to its last tick"),
      new Extra("gap_ms", "gapMs", Kind.INTEGER,
          "total time (ms) inside the window that the feed was marked as gapped: 0 when it never was"),
      new Extra("gap_count", "gapCount", Kind.INTEGER, "how many separate feed gaps fell inside the window"));

  private KlineExtras() {}
}
