package io.candles.testkit;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Streams of tick records as producers write them, each with what it must become: a valid tick
 * (for the reference candles) or a dead letter with the contract's reason. Prices are a random walk
 * of exact decimals per pair; event times come from one clock with ties, disorder and mixed time
 * formats; a pair always goes to its own partition, as the contract's keying does.
 */
public final class TickStream {

  /** Any reason will do: a record whose exact reason is not the point (poison). */
  public static final String ANY_REASON = "*";
  private static final long YEAR = 365L * 24 * 3600 * 1000;

  /**
   * A pair, the partition its key goes to (negative: where Kafka's partitioner hashes the key, as
   * a producer that leaves it to Kafka does), and its random walk's start and step.
   */
  public record Pair(String symbol, int partition, BigDecimal startMid, BigDecimal tickSize) {
    public static Pair of(String symbol, int partition, String startMid, String tickSize) {
      return new Pair(symbol, partition, new BigDecimal(startMid), new BigDecimal(tickSize));
    }
  }

  /**
   * A valid tick, with where Kafka stored it (offset -1 until produced), and the spread it says held
   * before it since {@code prevEventTime} (null and {@link #NO_PREVIOUS} when it says none).
   */
  public record Sent(String pair, BigDecimal bid, BigDecimal ask, long eventTime, int partition, long offset,
      BigDecimal prevSpread, long prevEventTime) {
    public Sent(String pair, BigDecimal bid, BigDecimal ask, long eventTime, int partition, long offset) {
      this(pair, bid, ask, eventTime, partition, offset, null, NO_PREVIOUS);
    }

    public BigDecimal mid() {
      return bid.add(ask).divide(BigDecimal.valueOf(2));
    }

    public Sent at(int partition, long offset) {
      return new Sent(pair, bid, ask, eventTime, partition, offset, prevSpread, prevEventTime);
    }
  }

  /** A {@link Sent#prevEventTime()} when the tick says nothing of the spread before it. */
  public static final long NO_PREVIOUS = Long.MIN_VALUE;

  /**
   * One record to produce.
   *
   * @param value the bytes (null for a record without a value)
   * @param timestamp the record timestamp: the event time, as the contract asks of producers
   * @param tick the valid tick it is, or null
   * @param expectedReason the dead-letter reason it must get, when it is not a valid tick
   */
  public record Record(String key, byte[] value, int partition, long timestamp, Sent tick, String expectedReason) {
    public String text() {
      return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }
  }

  private final List<Pair> pairs;
  private final SplittableRandom random;
  private final BigDecimal[] mids;
  /** Per pair, the spread and event time of the tick made before, as a producer remembers them. */
  private final BigDecimal[] prevSpreads;
  private final long[] prevTimes;

  /** A walk over {@code pairs}, seeded for repeatable streams. */
  public TickStream(List<Pair> pairs, long seed) {
    this.pairs = List.copyOf(pairs);
    this.random = new SplittableRandom(seed);
    this.mids = new BigDecimal[pairs.size()];
    this.prevSpreads = new BigDecimal[pairs.size()];
    this.prevTimes = new long[pairs.size()];
    for (int i = 0; i < mids.length; i++) {
      mids[i] = pairs.get(i).startMid();
    }
  }

  public List<Pair> pairs() {
    return pairs;
  }

  public SplittableRandom random() {
    return random;
  }

  /**
   * A gap record, as the ingester marks an interrupted feed in the pair's partition: written by
   * hand from the contract's text (no contract code), stamped at its start. Neither a tick nor a
   * dead letter ({@link Record#tick()} and {@link Record#expectedReason()} both null).
   */
  public static Record gap(String pair, int partition, long start, long end, String cause) {
    String value = "{\"kind\":\"gap\",\"pair\":\"" + pair + "\",\"gap_start\":\"" + iso(start)
        + "\",\"gap_end\":\"" + iso(end) + "\",\"cause\":\"" + cause + "\"}";
    return new Record(pair, bytes(value), partition, start, null, null);
  }

  /** The next tick of pair {@code index} at {@code eventTime}, in a random time format. */
  public Record tick(int index, long eventTime) {
    Pair p = pairs.get(index);
    BigDecimal step = p.tickSize();
    mids[index] = mids[index].add(step.multiply(BigDecimal.valueOf(random.nextInt(21) - 10)));
    if (mids[index].compareTo(step.multiply(BigDecimal.valueOf(100))) < 0) {
      mids[index] = step.multiply(BigDecimal.valueOf(100));
    }
    BigDecimal spread = step.multiply(BigDecimal.valueOf(1 + random.nextInt(5)));
    BigDecimal bid = mids[index].subtract(spread);
    BigDecimal ask = mids[index].add(spread);
    String ingest = random.nextInt(3) == 0
        ? ",\"ingest_time\":\"" + iso(eventTime + random.nextInt(200)) + "\"" : "";
    // As the ingester does, the spread of the pair's tick before, and when; none now and then, as
    // after a feed gap. A previous tick stamped later than this one says nothing of before it.
    BigDecimal prevSpread = random.nextInt(30) == 0 ? null : prevSpreads[index];
    long prevTime = prevSpread == null ? NO_PREVIOUS : prevTimes[index];
    String previous = prevSpread == null ? ""
        : ",\"prev_spread\":\"" + prevSpread.toPlainString() + "\",\"prev_event_time\":" + time(prevTime);
    prevSpreads[index] = ask.subtract(bid);
    prevTimes[index] = eventTime;
    String value = "{\"pair\":\"" + p.symbol() + "\",\"bid\":\"" + bid.toPlainString() + "\",\"ask\":\""
        + ask.toPlainString() + "\",\"event_time\":" + time(eventTime) + ingest
        + ",\"exchange\":\"test\",\"update_id\":" + random.nextInt(1_000_000_000) + previous + "}";
    return new Record(p.symbol(), bytes(value), p.partition(), eventTime,
        new Sent(p.symbol(), bid, ask, eventTime, p.partition(), -1, prevSpread, prevTime), null);
  }

  /** A malformed record of pair {@code index} at {@code eventTime}, of one of the contract's kinds. */
  public Record malformed(int index, long eventTime) {
    Pair p = pairs.get(index);
    String t = "\"event_time\":\"" + iso(eventTime) + "\"";
    String pair = "{\"pair\":\"" + p.symbol() + "\"";
    String[] kind = switch (random.nextInt(8)) {
      case 0 -> new String[] {pair + ",\"bid\":", "invalid_json"};
      case 1 -> new String[] {pair + ",\"ask\":\"2\"," + t + "}", "missing_field"};
      case 2 -> new String[] {pair + ",\"bid\":\"2.5\",\"ask\":\"2.4\"," + t + "}", "crossed_book"};
      case 3 -> new String[] {pair + ",\"bid\":\"abc\",\"ask\":\"2\"," + t + "}", "non_numeric_price"};
      case 4 -> new String[] {pair + ",\"bid\":\"-1\",\"ask\":\"2\"," + t + "}", "non_positive_price"};
      case 5 -> new String[] {pair + ",\"bid\":\"1\",\"ask\":\"2\",\"event_time\":\"yesterday\"}", "unparseable_time"};
      case 6 -> new String[] {"not json at all", "invalid_json"};
      default -> new String[] {null, "invalid_json"}; // no value at all
    };
    return new Record(p.symbol(), kind[0] == null ? null : bytes(kind[0]), p.partition(), eventTime, null, kind[1]);
  }

  /** A tick of pair {@code index} stamped a year after {@code now}: rejected, it must not move anything. */
  public Record fromTheFuture(int index, long now) {
    Record r = tick(index, now + YEAR);
    return new Record(r.key(), r.value(), r.partition(), now, null, "event_time_in_future");
  }

  /**
   * Records no parser should choke on, each of which must be dead-lettered: a megabyte of control
   * characters, deep nesting, a huge number, invalid UTF-8, a huge string.
   */
  public List<Record> poison(int index, long eventTime) {
    Pair p = pairs.get(index);
    List<byte[]> values = new ArrayList<>();
    byte[] control = new byte[1_000_000];
    for (int i = 0; i < control.length; i++) {
      control[i] = (byte) (1 + random.nextInt(31));
    }
    values.add(control);
    values.add(bytes("[".repeat(200_000)));
    values.add(bytes("{\"pair\":\"" + p.symbol() + "\",\"bid\":" + "9".repeat(100_000) + ",\"ask\":\"2\","
        + "\"event_time\":\"" + iso(eventTime) + "\"}"));
    byte[] utf8 = bytes("{\"pair\":\"" + p.symbol() + "\",\"bid\":\"1\",\"ask\":\"2\",\"event_time\":\"X\"}");
    byte[] invalid = Arrays.copyOf(utf8, utf8.length);
    invalid[invalid.length - 3] = (byte) 0xC3; // a lead byte with no continuation
    values.add(invalid);
    values.add(bytes("{\"pair\":\"" + p.symbol() + "\",\"note\":\"" + "x".repeat(900_000) + "\"}"));
    List<Record> records = new ArrayList<>();
    for (byte[] v : values) {
      records.add(new Record(p.symbol(), v, p.partition(), eventTime, null, ANY_REASON));
    }
    return records;
  }

  /**
   * A backlog: event times from {@code from} to {@code to} on one clock moved by 0 to
   * {@code 2 * meanGapMillis} per record, a tie (no move) one step in {@code tieOneIn}; one tick in
   * ten stamped up to {@code disorderMillis} before the clock; one record in {@code malformedOneIn}
   * malformed. The pairs come in at random, in runs of the same pair now and then.
   */
  public List<Record> backlog(long from, long to, int meanGapMillis, int tieOneIn, int disorderMillis,
      int malformedOneIn) {
    List<Record> records = new ArrayList<>();
    long clock = from;
    int previous = 0;
    while (clock < to) {
      int pair = random.nextInt(10) < 2 ? previous : random.nextInt(pairs.size());
      previous = pair;
      clock += random.nextInt(tieOneIn) == 0 ? 0 : 1 + random.nextInt(2 * meanGapMillis);
      long eventTime = random.nextInt(10) == 0 ? Math.max(from, clock - random.nextInt(disorderMillis + 1)) : clock;
      records.add(random.nextInt(malformedOneIn) == 0 ? malformed(pair, eventTime) : tick(pair, eventTime));
    }
    return records;
  }

  /** The event time as JSON: ISO-8601 with Z, the seed's form, or epoch milliseconds. */
  private String time(long millis) {
    return switch (random.nextInt(3)) {
      case 0 -> "\"" + iso(millis) + "\"";
      case 1 -> "\"" + DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC)
          .format(Instant.ofEpochMilli(millis)) + "\"";
      default -> Long.toString(millis);
    };
  }

  public static String iso(long millis) {
    return DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC)
        .format(Instant.ofEpochMilli(millis));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
