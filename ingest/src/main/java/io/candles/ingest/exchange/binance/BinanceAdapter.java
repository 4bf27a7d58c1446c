package io.candles.ingest.exchange.binance;

import io.candles.contract.EventTimes;
import io.candles.contract.Prices;
import io.candles.contract.RejectReason;
import io.candles.contract.RejectedTickException;
import io.candles.contract.Tick;
import io.candles.contract.TickRules;
import io.candles.ingest.exchange.ConnectionPlan;
import io.candles.ingest.exchange.ExchangeAdapter;
import io.candles.ingest.exchange.Frame;
import io.candles.ingest.exchange.Quote;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Binance's {@code bookTicker} market streams: spot ({@code wss://stream.binance.com:9443}) and
 * USD-M futures ({@code wss://fstream.binance.com}), which differ only in endpoint, streams per
 * connection and the futures' {@code E}/{@code T} times, so one class serves both.
 *
 * <p>Connections use the combined-stream form {@code /stream?streams=a@bookTicker/b@bookTicker},
 * so that every message names its stream. Up to {@link #urlStreamLimit} streams go in the URL;
 * the rest of a connection's streams are added with {@code SUBSCRIBE} requests after the
 * handshake, which keeps the URL short for connections with hundreds of pairs.
 */
public final class BinanceAdapter implements ExchangeAdapter {
  /** Spot allows 1024 streams per connection. */
  public static final int SPOT_MAX_STREAMS = 1024;
  /** USD-M futures allows 200 streams per connection. */
  public static final int FUTURES_MAX_STREAMS = 200;
  /** Streams per SUBSCRIBE request: well inside Binance's limits on request size. */
  static final int SUBSCRIBE_BATCH = 200;
  private static final int DEFAULT_URL_STREAM_LIMIT = 100;

  private final String name;
  private final URI defaultEndpoint;
  private final int maxStreams;
  private final int urlStreamLimit;

  BinanceAdapter(String name, URI defaultEndpoint, int maxStreams, int urlStreamLimit) {
    this.name = name;
    this.defaultEndpoint = defaultEndpoint;
    this.maxStreams = maxStreams;
    this.urlStreamLimit = urlStreamLimit;
  }

  /** Binance spot. */
  public static BinanceAdapter spot() {
    return new BinanceAdapter(
        "binance", URI.create("wss://stream.binance.com:9443"), SPOT_MAX_STREAMS, DEFAULT_URL_STREAM_LIMIT);
  }

  /** Binance USD-M futures. */
  public static BinanceAdapter futures() {
    return new BinanceAdapter(
        "binance-futures", URI.create("wss://fstream.binance.com"), FUTURES_MAX_STREAMS, DEFAULT_URL_STREAM_LIMIT);
  }

  /** The same protocol under another source name (e.g. {@code simulator}), so records say where they came from. */
  public BinanceAdapter named(String otherName) {
    return new BinanceAdapter(otherName, defaultEndpoint, maxStreams, urlStreamLimit);
  }

  /** The same protocol with at most {@code limit} streams in the URL and the rest subscribed by request. */
  public BinanceAdapter withUrlStreamLimit(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("the URL must carry at least one stream: " + limit);
    }
    return new BinanceAdapter(name, defaultEndpoint, maxStreams, limit);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public URI defaultEndpoint() {
    return defaultEndpoint;
  }

  @Override
  public int maxStreamsPerConnection() {
    return maxStreams;
  }

  /** The stream name of a pair: {@code btcusdt@bookTicker}. */
  public static String streamOf(String pair) {
    return pair.toLowerCase(Locale.ROOT) + "@bookTicker";
  }

  @Override
  public ConnectionPlan planConnection(String connectionName, URI endpoint, List<String> pairs) {
    if (pairs.isEmpty() || pairs.size() > maxStreams) {
      throw new IllegalArgumentException(
          "a connection carries 1 to " + maxStreams + " pairs, not " + pairs.size());
    }
    List<String> streams = new ArrayList<>(pairs.size());
    for (String pair : pairs) {
      streams.add(streamOf(pair));
    }
    int inUrl = Math.min(urlStreamLimit, streams.size());
    URI uri = URI.create(base(endpoint) + "/stream?streams=" + String.join("/", streams.subList(0, inUrl)));
    List<String> requests = new ArrayList<>();
    int id = 1;
    for (int from = inUrl; from < streams.size(); from += SUBSCRIBE_BATCH) {
      List<String> batch = streams.subList(from, Math.min(streams.size(), from + SUBSCRIBE_BATCH));
      requests.add(subscribeRequest(batch, id++));
    }
    return new ConnectionPlan(connectionName, uri, pairs, requests);
  }

  /** {@code {"method":"SUBSCRIBE","params":["btcusdt@bookTicker",..],"id":1}} */
  static String subscribeRequest(List<String> streams, int id) {
    StringBuilder sb = new StringBuilder(48 + streams.size() * 24).append("{\"method\":\"SUBSCRIBE\",\"params\":[");
    for (int i = 0; i < streams.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append('"').append(streams.get(i)).append('"');
    }
    return sb.append("],\"id\":").append(id).append('}').toString();
  }

  /** The endpoint without a trailing slash or a stream path, so that both {@code wss://h} and {@code wss://h/ws} work. */
  private static String base(URI endpoint) {
    String s = endpoint.toString();
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    if (s.endsWith("/ws")) {
      s = s.substring(0, s.length() - 3);
    } else if (s.endsWith("/stream")) {
      s = s.substring(0, s.length() - 7);
    }
    return s;
  }

  @Override
  public Frame decode(String text, long receivedAtMillis) {
    BinanceMessage message;
    try {
      message = BinanceFrames.parse(text);
    } catch (RejectedTickException e) {
      return new Frame.Rejected(null, e.reason(), e.detail(), null);
    }
    if (message instanceof BinanceMessage.BookTicker t) {
      return toQuote(t, receivedAtMillis);
    }
    if (message instanceof BinanceMessage.Result r) {
      return new Frame.Control("reply to request " + r.id() + ": " + r.result());
    }
    BinanceMessage.Error e = (BinanceMessage.Error) message;
    return new Frame.ExchangeError("error " + e.code() + " for request " + e.id() + ": " + e.msg());
  }

  /** What the contract's required fields are called in a Binance book ticker. */
  private static final TickRules.Names FIELD_NAMES =
      new TickRules.Names("s (pair)", "b (bid)", "a (ask)", "E (event_time)");

  /** Maps a wire record to a quote, applying the contract's field and price rules ({@link TickRules#check}). */
  static Frame toQuote(BinanceMessage.BookTicker t, long receivedAtMillis) {
    String symbol = t.symbol();
    // A rejection names the pair when there is one.
    String pair = symbol == null || symbol.isEmpty() ? null : symbol.toUpperCase(Locale.ROOT);
    TickRules.Fields fields = new TickRules.Fields(FIELD_NAMES);
    fields.pair(pair);
    price(fields.bid(), "bid", t.bidPrice());
    price(fields.ask(), "ask", t.askPrice());
    if (t.eventTime() == null) {
      fields.eventTime(receivedAtMillis); // spot sends none: the contract's receive time
    } else {
      long e = parseLong(t.eventTime());
      if (e == Long.MIN_VALUE) {
        fields.noEventTime(new RejectedTickException(
            RejectReason.UNPARSEABLE_TIME, "E (event_time) is not epoch milliseconds: " + t.eventTime()));
      } else {
        try {
          fields.eventTime(EventTimes.checkEpochMillis("E (event_time)", e));
        } catch (RejectedTickException error) {
          fields.noEventTime(error);
        }
      }
    }
    try {
      TickRules.check(fields);
    } catch (RejectedTickException e) {
      return new Frame.Rejected(pair, e.reason(), e.detail(), t.stream());
    }
    long updateId = Tick.NO_UPDATE_ID;
    if (t.updateId() != null) {
      updateId = parseLong(t.updateId());
      if (updateId == Long.MIN_VALUE || updateId < 0) {
        return new Frame.Rejected(pair, RejectReason.INVALID_UPDATE_ID,
            "u (update_id) is not a non-negative integer: " + t.updateId(), t.stream());
      }
    }
    return new Quote(pair, t.bidPrice(), t.askPrice(), fields.bidUnits(), fields.askUnits(),
        fields.eventTime(), updateId, t.stream());
  }

  /** Sets {@code price} from the exchange's string, if it sent one. */
  private static void price(TickRules.Price price, String name, String text) {
    if (text == null) {
      return;
    }
    try {
      price.set(Prices.parsePrice(name, text, 0, text.length()), text);
    } catch (RejectedTickException e) {
      price.absent(e);
    }
  }

  /** A plain decimal integer, or {@link Long#MIN_VALUE} for anything else (fraction, exponent, overflow). */
  static long parseLong(String s) {
    int n = s.length();
    int i = 0;
    boolean negative = n > 0 && s.charAt(0) == '-';
    if (negative) {
      i++;
    }
    if (i == n || n - i > 18) {
      return Long.MIN_VALUE;
    }
    long v = 0;
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return Long.MIN_VALUE;
      }
      v = v * 10 + (c - '0');
    }
    return negative ? -v : v;
  }
}
