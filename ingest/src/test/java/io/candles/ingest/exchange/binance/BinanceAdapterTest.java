package io.candles.ingest.exchange.binance;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import io.candles.contract.Tick;
import io.candles.ingest.TestResources;
import io.candles.ingest.exchange.ConnectionPlan;
import io.candles.ingest.exchange.Frame;
import io.candles.ingest.exchange.Quote;
import com.fasterxml.jackson.databind.JsonNode;
import io.candles.ingest.testing.JsonText;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

/** Mapping Binance frames to domain quotes, and planning connections. */
public class BinanceAdapterTest {
  private static final long RECEIVED = 1_700_000_000_123L;
  private final BinanceAdapter spot = BinanceAdapter.spot();

  @Test
  public void spotQuoteUsesReceiveTimeAndKeepsExactStrings() {
    Quote q = (Quote) spot.decode(TestResources.text("binance/spot-combined.json"), RECEIVED);
    assertThat(q.pair(), is("BTCUSDT"));
    assertThat(q.bid(), is("67012.34000000"));
    assertThat(q.ask(), is("67012.35000000"));
    assertThat(q.bidUnits(), is(6_701_234_000_000L));
    assertThat(q.askUnits(), is(6_701_235_000_000L));
    assertThat(q.eventTimeMillis(), is(RECEIVED));
    assertThat(q.updateId(), is(52_345_678_901L));
    assertThat(q.stream(), is("btcusdt@bookTicker"));
  }

  @Test
  public void spotRawQuote() {
    Quote q = (Quote) spot.decode(TestResources.text("binance/spot-raw.json"), RECEIVED);
    assertThat(q.pair(), is("BNBUSDT"));
    assertThat(q.stream(), nullValue());
    assertThat(q.updateId(), is(400_900_217L));
  }

  @Test
  public void futuresQuoteUsesTheExchangesEventTime() {
    BinanceAdapter futures = BinanceAdapter.futures();
    Quote q = (Quote) futures.decode(TestResources.text("binance/futures-combined.json"), RECEIVED);
    assertThat(q.eventTimeMillis(), is(1_718_049_600_125L));
    assertThat(q.updateId(), is(7_565_019_837_214L));
    assertThat(q.bid(), is("67010.10"));
    Quote r = (Quote) futures.decode(TestResources.text("binance/futures-raw.json"), RECEIVED);
    assertThat(r.eventTimeMillis(), is(1_568_014_460_893L));
    assertThat(futures.name(), is("binance-futures"));
  }

  @Test
  public void controlAndErrorReplies() {
    assertThat(spot.decode(TestResources.text("binance/subscribe-response.json"), RECEIVED),
        instanceOf(Frame.Control.class));
    Frame e = spot.decode(TestResources.text("binance/error-response.json"), RECEIVED);
    assertThat(e, instanceOf(Frame.ExchangeError.class));
    assertThat(((Frame.ExchangeError) e).detail(), containsString("request ID must be an unsigned integer"));
  }

  @Test
  public void garbageBecomesARejectionWithoutPair() {
    Frame f = spot.decode("this is not {json", RECEIVED);
    assertThat(f, instanceOf(Frame.Rejected.class));
    Frame.Rejected r = (Frame.Rejected) f;
    assertThat(r.reason().code(), is("invalid_json"));
    assertThat(r.pair(), nullValue());
  }

  @Test
  public void missingUpdateIdIsAllowed() {
    Quote q = (Quote) spot.decode("{\"s\":\"BTCUSDT\",\"b\":\"1.5\",\"B\":\"1\",\"a\":\"1.6\",\"A\":\"1\"}", RECEIVED);
    assertThat(q.updateId(), is(Tick.NO_UPDATE_ID));
  }

  @Test
  public void lowerCaseSymbolIsUpperCased() {
    Quote q = (Quote) spot.decode("{\"u\":5,\"s\":\"btcusdt\",\"b\":\"1.5\",\"B\":\"1\",\"a\":\"1.6\",\"A\":\"1\"}", RECEIVED);
    assertThat(q.pair(), is("BTCUSDT"));
  }

  @Test
  public void planPutsStreamsInTheCombinedUrl() {
    List<ConnectionPlan> plans = spot.plan(URI.create("wss://stream.binance.com:9443"),
        List.of("BTCUSDT", "ETHUSDT"), spot.maxStreamsPerConnection());
    assertThat(plans.size(), is(1));
    ConnectionPlan p = plans.get(0);
    assertThat(p.name(), is("binance-0"));
    assertThat(p.uri(), is(URI.create(
        "wss://stream.binance.com:9443/stream?streams=btcusdt@bookTicker/ethusdt@bookTicker")));
    assertThat(p.subscribeMessages(), empty());
    assertThat(p.pairs(), contains("BTCUSDT", "ETHUSDT"));
  }

  @Test
  public void endpointWithAStreamPathOrSlashIsNormalised() {
    for (String base : new String[] {"ws://127.0.0.1:9/", "ws://127.0.0.1:9/ws", "ws://127.0.0.1:9/stream"}) {
      ConnectionPlan p = spot.planConnection("c", URI.create(base), List.of("BTCUSDT"));
      assertThat(base, p.uri(), is(URI.create("ws://127.0.0.1:9/stream?streams=btcusdt@bookTicker")));
    }
    ConnectionPlan proxied = spot.planConnection("c", URI.create("wss://proxy.example/binance"), List.of("BTCUSDT"));
    assertThat(proxied.uri(), is(URI.create("wss://proxy.example/binance/stream?streams=btcusdt@bookTicker")));
  }

  @Test
  public void pairsAreSplitAtTheExchangesLimit() {
    List<String> pairs = pairs(2500);
    List<ConnectionPlan> spotPlans = spot.plan(spot.defaultEndpoint(), pairs, spot.maxStreamsPerConnection());
    assertThat(spotPlans.size(), is(3));
    assertThat(spotPlans.get(0).pairs().size(), is(1024));
    assertThat(spotPlans.get(1).pairs().size(), is(1024));
    assertThat(spotPlans.get(2).pairs().size(), is(452));
    assertThat(spotPlans.get(2).name(), is("binance-2"));
    BinanceAdapter futures = BinanceAdapter.futures();
    List<ConnectionPlan> futuresPlans = futures.plan(futures.defaultEndpoint(), pairs(450), futures.maxStreamsPerConnection());
    assertThat(futuresPlans.size(), is(3));
    assertThat(futuresPlans.get(0).pairs().size(), is(200));
    assertThat(futuresPlans.get(0).uri().toString(), containsString("wss://fstream.binance.com/stream?streams="));
  }

  @Test
  public void streamsBeyondTheUrlLimitAreSubscribedByRequest() {
    List<String> pairs = pairs(1024);
    ConnectionPlan p = spot.planConnection("binance-0", spot.defaultEndpoint(), pairs);
    String query = p.uri().getQuery();
    assertThat(query.split("/").length, is(100));
    // 924 more streams in requests of at most 200: 5 requests, ids 1..5.
    assertThat(p.subscribeMessages().size(), is(5));
    int subscribed = 0;
    for (int i = 0; i < p.subscribeMessages().size(); i++) {
      JsonNode req = JsonText.tree(p.subscribeMessages().get(i));
      assertThat(req.path("method").asText(), is("SUBSCRIBE"));
      assertThat(req.path("id").asText(), is(Integer.toString(i + 1)));
      subscribed += req.path("params").size();
    }
    assertThat(subscribed, is(924));
    assertThat(p.subscribeMessages().get(0), containsString("\"params\":[\"p100usdt@bookTicker\""));
  }

  @Test
  public void smallerUrlLimitForTests() {
    ConnectionPlan p = spot.withUrlStreamLimit(1).planConnection("c", URI.create("ws://h:1"), List.of("AAUSDT", "BBUSDT"));
    assertThat(p.uri(), is(URI.create("ws://h:1/stream?streams=aausdt@bookTicker")));
    assertThat(p.subscribeMessages(), contains("{\"method\":\"SUBSCRIBE\",\"params\":[\"bbusdt@bookTicker\"],\"id\":1}"));
  }

  private static List<String> pairs(int n) {
    List<String> pairs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      pairs.add("P" + i + "USDT");
    }
    return pairs;
  }
}
