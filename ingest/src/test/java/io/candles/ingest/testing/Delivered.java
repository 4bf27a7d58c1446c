package io.candles.ingest.testing;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import io.candles.contract.Tick;
import io.candles.contract.TickJson;
import io.candles.simulator.ExchangeSimulator;
import io.candles.simulator.SimQuote;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;

/** Checks that what the simulator sent is what Kafka holds: once, in order per pair, as the contract says. */
public final class Delivered {
  private Delivered() {}

  /** Asserts exactly-once, in-order delivery per pair, and the contract's fields on every record. */
  public static void assertExactlyOnceInOrder(
      List<ConsumerRecord<String, String>> records, ExchangeSimulator sim, List<String> pairs, String exchange)
      throws Exception {
    Map<String, List<ConsumerRecord<String, String>>> byPair = new LinkedHashMap<>();
    Map<String, Integer> partitionOf = new LinkedHashMap<>();
    for (ConsumerRecord<String, String> r : records) {
      byPair.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
      Integer p = partitionOf.putIfAbsent(r.key(), r.partition());
      assertThat("one partition per pair", p == null || p == r.partition(), is(true));
    }
    assertThat(byPair.keySet().containsAll(pairs) && pairs.containsAll(byPair.keySet()), is(true));
    for (String pair : pairs) {
      List<SimQuote> sent = sim.sentQuotes(pair);
      List<ConsumerRecord<String, String>> got = byPair.get(pair);
      List<Long> sentIds = new ArrayList<>();
      sent.forEach(q -> sentIds.add(q.updateId()));
      List<Long> gotIds = new ArrayList<>();
      for (ConsumerRecord<String, String> r : got) {
        gotIds.add(TickJson.parse(r.value()).updateId());
      }
      assertThat(pair + ": every sent tick once, in order", gotIds, is(sentIds));
      for (int i = 0; i < got.size(); i++) {
        ConsumerRecord<String, String> r = got.get(i);
        SimQuote q = sent.get(i);
        Tick t = TickJson.parse(r.value());
        assertThat(t.pair(), is(pair));
        assertThat(r.value(), containsString("\"bid\":\"" + q.bid() + "\",\"ask\":\"" + q.ask() + "\""));
        assertThat(t.exchange(), is(exchange));
        assertThat(r.timestampType(), is(TimestampType.CREATE_TIME));
        assertThat("record timestamp = event time", r.timestamp(), is(t.eventTimeMillis()));
        if (exchange.equals("binance-futures")) {
          assertThat("event_time is the exchange's E", t.eventTimeMillis(), is(q.eventTimeMillis()));
        } else {
          assertThat("event_time is the receive time", t.ingestTimeMillis(), is(t.eventTimeMillis()));
        }
        if (i > 0) {
          assertThat("offsets increase", r.offset() > got.get(i - 1).offset(), is(true));
        }
      }
    }
  }
}
