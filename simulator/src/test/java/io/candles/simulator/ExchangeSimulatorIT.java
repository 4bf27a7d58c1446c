package io.candles.simulator;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.candles.contract.Prices;
import io.candles.testkit.Await;
import io.candles.testkit.WebSocketTestClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.After;
import org.junit.Test;

/** The simulator over a real socket, spoken to by a plain WebSocket client. */
public class ExchangeSimulatorIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A member as text (a number as its digits), or null when missing or null. */
  private static String text(JsonNode o, String key) {
    JsonNode v = o.get(key);
    return v == null || v.isNull() ? null : v.asText();
  }

  private ExchangeSimulator sim;
  private WebSocketTestClient client;

  @After
  public void tearDown() throws Exception {
    if (client != null) {
      client.closeBlocking();
    }
    if (sim != null) {
      sim.close();
    }
  }

  private URI uri(String path) {
    return URI.create(sim.endpoint() + path);
  }

  @Test
  public void combinedStreamsWrapEachMessage() throws Exception {
    sim = ExchangeSimulator.start("127.0.0.1", 0, ExchangeSimulator.Config.of(List.of("BTCUSDT", "ETHUSDT"), 6_000));
    client = WebSocketTestClient.open(uri("/stream?streams=btcusdt@bookTicker/ethusdt@bookTicker"));
    Set<String> streams = new HashSet<>();
    for (int i = 0; i < 40; i++) {
      String m = client.next(5_000);
      assertThat(m, notNullValue());
      JsonNode o = JSON.readTree(m);
      streams.add(text(o, "stream"));
      JsonNode data = o.get("data");
      assertThat(text(data, "s"), is(text(o, "stream").replace("@bookTicker", "").toUpperCase()));
      long bid = Prices.parsePrice("b", text(data, "b"), 0, text(data, "b").length());
      long ask = Prices.parsePrice("a", text(data, "a"), 0, text(data, "a").length());
      assertThat(ask, greaterThan(bid));
      assertThat(data.get("u").isNumber(), is(true));
      assertThat(text(data, "E"), nullValue());
    }
    assertThat(streams, is(Set.of("btcusdt@bookTicker", "ethusdt@bookTicker")));
  }

  @Test
  public void rawStreamSendsBarePayloads() throws Exception {
    sim = ExchangeSimulator.start("127.0.0.1", 0, ExchangeSimulator.Config.of(List.of("BTCUSDT", "ETHUSDT"), 6_000));
    client = WebSocketTestClient.open(uri("/ws/ethusdt@bookTicker"));
    for (int i = 0; i < 10; i++) {
      JsonNode o = JSON.readTree(client.next(5_000));
      assertThat(o.has("stream"), is(false));
      assertThat(text(o, "s"), is("ETHUSDT"));
    }
  }

  @Test
  public void subscribeIsAnsweredThenStreamed() throws Exception {
    sim = ExchangeSimulator.start("127.0.0.1", 0, ExchangeSimulator.Config.of(List.of("BTCUSDT", "ETHUSDT"), 6_000));
    client = WebSocketTestClient.open(uri("/ws"));
    assertThat(client.next(300), nullValue());
    client.send("{\"method\":\"SUBSCRIBE\",\"params\":[\"btcusdt@bookTicker\"],\"id\":1}");
    assertThat(client.next(5_000), is("{\"result\":null,\"id\":1}"));
    JsonNode first = JSON.readTree(client.next(5_000));
    assertThat(text(first, "s"), is("BTCUSDT"));
    client.send("{\"method\":\"LIST_SUBSCRIPTIONS\",\"id\":2}");
    client.send("{\"method\":\"FLY\",\"id\":3}");
    client.send("not json");
    boolean listed = false;
    boolean unknown = false;
    boolean invalid = false;
    for (int i = 0; i < 2_000 && !(listed && unknown && invalid); i++) {
      String m = client.next(5_000);
      listed |= m.equals("{\"result\":[\"btcusdt@bookTicker\"],\"id\":2}");
      unknown |= m.startsWith("{\"code\":2,\"msg\":\"Invalid request: unknown method FLY\",\"id\":3");
      invalid |= m.startsWith("{\"code\":3,\"msg\":\"Invalid JSON");
    }
    assertThat(listed && unknown && invalid, is(true));
    client.send("{\"method\":\"UNSUBSCRIBE\",\"params\":[\"btcusdt@bookTicker\"],\"id\":4}");
    String m;
    do {
      m = client.next(5_000);
    } while (!m.equals("{\"result\":null,\"id\":4}"));
    Thread.sleep(100);
    client.messages.clear();
    assertThat(client.next(300), nullValue());
  }

  @Test
  public void combinedFormCanAlsoSubscribe() throws Exception {
    sim = ExchangeSimulator.start("127.0.0.1", 0, ExchangeSimulator.Config.of(List.of("BTCUSDT", "ETHUSDT"), 6_000));
    client = WebSocketTestClient.open(uri("/stream?streams=btcusdt@bookTicker"));
    client.send("{\"method\":\"SUBSCRIBE\",\"params\":[\"ethusdt@bookTicker\"],\"id\":7}");
    Set<String> streams = new HashSet<>();
    boolean acked = false;
    for (int i = 0; i < 200 && streams.size() < 2; i++) {
      String m = client.next(5_000);
      if (m.equals("{\"result\":null,\"id\":7}")) {
        acked = true;
      } else {
        streams.add(text(JSON.readTree(m), "stream"));
      }
    }
    assertThat(acked, is(true));
    assertThat(streams, is(Set.of("btcusdt@bookTicker", "ethusdt@bookTicker")));
  }

  @Test
  public void unknownPathIsRefused() throws Exception {
    sim = ExchangeSimulator.start("127.0.0.1", 0, ExchangeSimulator.Config.of(List.of("BTCUSDT"), 600));
    client = WebSocketTestClient.open(uri("/api/v3/ticker"));
    assertThat(client.isOpen(), is(false));
  }

  @Test
  public void clientsArePinged() throws Exception {
    sim = ExchangeSimulator.start("127.0.0.1", 0,
        ExchangeSimulator.Config.of(List.of("BTCUSDT"), 60).withPingInterval(Duration.ofSeconds(1)));
    client = WebSocketTestClient.open(uri("/ws/btcusdt@bookTicker"));
    Await.until("two pings", 5_000, () -> client.pings.get() >= 2);
    assertThat(client.isOpen(), is(true));
  }

  @Test
  public void generatesAtLeast25000TicksPerMinutePerPair() throws Exception {
    sim = ExchangeSimulator.start("127.0.0.1", 0, ExchangeSimulator.Config.of(List.of("BTCUSDT", "ETHUSDT"), 25_000));
    client = WebSocketTestClient.open(uri("/stream?streams=btcusdt@bookTicker/ethusdt@bookTicker"));
    Thread.sleep(500);
    client.messages.clear();
    long start = System.nanoTime();
    Thread.sleep(3_000);
    double seconds = (System.nanoTime() - start) / 1e9;
    Map<String, Integer> perStream = new HashMap<>();
    for (String m : client.messages) {
      perStream.merge(text(JSON.readTree(m), "stream"), 1, Integer::sum);
    }
    double expected = 25_000 / 60.0 * seconds;
    for (String s : List.of("btcusdt@bookTicker", "ethusdt@bookTicker")) {
      // Allow for a loaded build machine; the pace is exact over time.
      assertThat(s, (double) perStream.getOrDefault(s, 0), greaterThanOrEqualTo(expected * 0.8));
    }
  }

  /**
   * Bursty rates at a mean of at least 25,000 ticks/min for every pair: the pairs differ, and the
   * simulator keeps up with its schedule (each tick carries the time it was due), so over time it
   * sends what BurstyArrivalsTest shows the schedule to average.
   */
  @Test
  public void burstyRatesKeepUpAtMoreThan25000TicksPerMinutePerPair() throws Exception {
    // Weights 2 : 1.2, normalized to mean 1: ETHUSDT gets 0.75 x 40,000 = 30,000 a minute.
    sim = ExchangeSimulator.start("127.0.0.1", 0,
        ExchangeSimulator.Config.of(List.of("BTCUSDT", "ETHUSDT"), 40_000).burstyRates().futuresFormat());
    client = WebSocketTestClient.open(uri("/stream?streams=btcusdt@bookTicker/ethusdt@bookTicker"));
    Thread.sleep(3_000);
    Map<String, Integer> perStream = new HashMap<>();
    long newest = 0;
    for (String m : client.messages) {
      JsonNode o = JSON.readTree(m);
      perStream.merge(text(o, "stream"), 1, Integer::sum);
      newest = Math.max(newest, Long.parseLong(text(o.get("data"), "E")));
    }
    long lag = System.currentTimeMillis() - newest;
    assertThat("behind its schedule by " + lag + " ms", lag < 500, is(true));
    assertThat(perStream.getOrDefault("btcusdt@bookTicker", 0), greaterThan(0));
    assertThat(perStream.getOrDefault("ethusdt@bookTicker", 0), greaterThan(0));
    assertThat(perStream.get("btcusdt@bookTicker"), not(is(perStream.get("ethusdt@bookTicker"))));
  }

  @Test
  public void futuresFormCarriesEventAndTransactionTime() throws Exception {
    sim = ExchangeSimulator.start("127.0.0.1", 0,
        ExchangeSimulator.Config.of(List.of("BTCUSDT"), 6_000).futuresFormat());
    client = WebSocketTestClient.open(uri("/ws/btcusdt@bookTicker"));
    JsonNode o = JSON.readTree(client.next(5_000));
    assertThat(text(o, "e"), is("bookTicker"));
    assertThat(Long.parseLong(text(o, "E")), greaterThan(1_600_000_000_000L));
    assertThat(Long.parseLong(text(o, "T")), is(Long.parseLong(text(o, "E")) - 1));
  }

  @Test
  public void faultsDropGarbageAndStall() throws Exception {
    sim = ExchangeSimulator.start("127.0.0.1", 0, ExchangeSimulator.Config.of(List.of("BTCUSDT"), 6_000));
    client = WebSocketTestClient.open(uri("/ws/btcusdt@bookTicker"));
    assertThat(client.next(5_000), notNullValue());

    sim.sendToAll("this is not {json");
    boolean garbage = false;
    for (int i = 0; i < 1_000 && !garbage; i++) {
      garbage = "this is not {json".equals(client.next(5_000));
    }
    assertThat(garbage, is(true));

    sim.stall(Duration.ofMillis(1_500));
    Thread.sleep(100);
    client.messages.clear();
    client.sendPing();
    Thread.sleep(800);
    assertThat("no data while stalled", client.messages.size(), is(0));
    assertThat("no pong while stalled", client.pongs.get(), is(0));
    assertThat(client.next(5_000), notNullValue());

    sim.dropConnections();
    Await.until("the drop", 5_000, () -> client.closeCode != -1);
    assertThat(client.isOpen(), is(false));
    assertThat(sim.openConnections(), is(0));
  }

  @Test
  public void anOutageDropsEveryConnectionAndRefusesNewOnesUntilItEnds() throws Exception {
    sim = ExchangeSimulator.start("127.0.0.1", 0, ExchangeSimulator.Config.of(List.of("BTCUSDT"), 6_000));
    client = WebSocketTestClient.open(uri("/ws/btcusdt@bookTicker"));
    assertThat(client.next(5_000), notNullValue());
    long began = System.nanoTime();
    sim.outage(Duration.ofMillis(1_500));
    Await.until("the drop", 5_000, () -> client.closeCode != -1);
    WebSocketTestClient refused = WebSocketTestClient.open(uri("/ws/btcusdt@bookTicker"));
    assertThat("refused during the outage", refused.isOpen(), is(false));
    long waited = (System.nanoTime() - began) / 1_000_000;
    Thread.sleep(Math.max(0, 1_600 - waited));
    client = WebSocketTestClient.open(uri("/ws/btcusdt@bookTicker"));
    assertThat("accepted after the outage", client.isOpen(), is(true));
    assertThat(client.next(5_000), notNullValue());
  }

  @Test
  public void replaysARecordedFile() throws Exception {
    sim = ExchangeSimulator.start("127.0.0.1", 0, ExchangeSimulator.Config.of(List.of("BTCUSDT"), 60_000));
    sim.pause();
    Path file = Files.createTempFile("recorded", ".jsonl");
    try {
      Files.write(file, List.of(
          "{\"u\":1,\"s\":\"BTCUSDT\",\"b\":\"1.00\",\"B\":\"1\",\"a\":\"1.01\",\"A\":\"1\"}",
          "{\"stream\":\"ethusdt@bookTicker\",\"data\":{\"u\":2,\"s\":\"ETHUSDT\",\"b\":\"2.00\",\"B\":\"1\",\"a\":\"2.01\",\"A\":\"1\"}}",
          "garbage line",
          "{\"stream\":\"btcusdt@bookTicker\",\"data\":{\"u\":3,\"s\":\"BTCUSDT\",\"b\":\"1.02\",\"B\":\"1\",\"a\":\"1.03\",\"A\":\"1\"}}"));
      client = WebSocketTestClient.open(uri("/stream?streams=btcusdt@bookTicker"));
      sim.replay(file, false);
      sim.resume();
      assertThat(client.next(5_000),
          is("{\"stream\":\"btcusdt@bookTicker\",\"data\":{\"u\":1,\"s\":\"BTCUSDT\",\"b\":\"1.00\",\"B\":\"1\",\"a\":\"1.01\",\"A\":\"1\"}}"));
      assertThat(client.next(5_000), is("garbage line"));
      String third = client.next(5_000);
      assertThat(third, containsString("\"u\":3"));
      assertThat(third, not(containsString("ETHUSDT")));
      assertThat(client.next(500), nullValue());
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
