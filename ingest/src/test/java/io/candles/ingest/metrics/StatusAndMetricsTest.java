package io.candles.ingest.metrics;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import io.candles.ingest.testing.JsonText;
import io.candles.ingest.kafka.PublisherStats;
import io.candles.ingest.transport.ConnectionState;
import io.candles.ingest.transport.ConnectionStats;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.Test;

public class StatusAndMetricsTest {
  private static final Pattern SAMPLE = Pattern.compile(
      "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\",?)*})? -?[0-9]+(\\.[0-9]+)?");

  private static IngestSnapshot snapshot() {
    ConnectionStats c = new ConnectionStats("binance-0", "wss://x/stream?streams=btcusdt@bookTicker",
        ConnectionState.OPEN, 1000, 5, 5, 2, 3500, 1500, -1, 2, 1, 60_000, 0, 0);
    IngestSnapshot.PairView btc = new IngestSnapshot.PairView("BTCUSDT", "binance-0", "open", 990, 12.5, 7, 2, 3500,
        4, 3250, 400900217L, 1, 3, Map.of("crossed_book", 2L));
    IngestSnapshot.PairView eth = new IngestSnapshot.PairView("ETHUSDT", "binance-0", "open", 0, 0, -1, 2, 3500,
        4, 3250, Long.MIN_VALUE, 0, 0, Map.of());
    PublisherStats k = new PublisherStats(3, 100, 4, 250, 7, 980, 9, 0, 0, 8, 1, 2, 0, 0);
    return new IngestSnapshot("running", "binance", 61_000, "localhost:9092", "ticks", "ticks-dlq", List.of(c),
        List.of(btc, eth), Map.of("invalid_json", 5L), k, 1, 2, 0, 0, 0, 1);
  }

  @Test
  public void statusIsJsonWithConnectionsPairsAndRejects() {
    JsonText s = JsonText.parse(StatusJson.render(snapshot()));
    assertThat(s.text("state"), is("running"));
    JsonText pairs = s.object("pairs");
    JsonText btc = pairs.object("BTCUSDT");
    assertThat(btc.text("state"), is("open"));
    assertThat(btc.text("ticks_per_second"), is("12.50"));
    assertThat(btc.text("last_tick_age_ms"), is("7"));
    assertThat(btc.text("gaps"), is("2"));
    assertThat(btc.text("gap_records"), is("4"));
    assertThat(btc.text("gap_record_ms"), is("3250"));
    assertThat(btc.text("rejects"), is("{\"crossed_book\":2}"));
    assertThat(pairs.object("ETHUSDT").text("last_update_id"), is((String) null));
    assertThat(s.text("rejects"), is("{\"crossed_book\":2,\"invalid_json\":5}"));
    String connections = s.text("connections");
    assertThat(connections, containsString("\"gaps\":2"));
    assertThat(connections, containsString("\"last_gap_ms\":1500"));
    assertThat(connections, containsString("\"ticks_per_second\":12.50"));
    assertThat(s.object("kafka").text("ticks_acked"), is("980"));
    assertThat(s.object("kafka").text("gap_records_acked"), is("8"));
    assertThat(s.object("kafka").text("gap_records_failed"), is("1"));
    assertThat(s.text("update_id_sequence_restarts"), is("1"));
  }

  @Test
  public void metricsAreThePrometheusTextFormat() {
    String text = PrometheusMetrics.render(snapshot());
    for (String line : text.split("\n")) {
      if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
        continue;
      }
      assertThat(line, SAMPLE.matcher(line).matches(), is(true));
    }
    assertThat(text, containsString("# TYPE ingest_ticks_total counter\n"));
    assertThat(text, containsString("ingest_ticks_total{connection=\"binance-0\",pair=\"BTCUSDT\"} 990.0\n"));
    assertThat(text, containsString("ingest_rejects_total{pair=\"BTCUSDT\",reason=\"crossed_book\"} 2.0\n"));
    assertThat(text, containsString("ingest_rejects_total{pair=\"\",reason=\"invalid_json\"} 5.0\n"));
    assertThat(text, containsString("ingest_connection_state{connection=\"binance-0\",state=\"open\"} 1.0\n"));
    assertThat(text, containsString("ingest_connection_gaps_total{connection=\"binance-0\"} 2.0\n"));
    assertThat(text, containsString("ingest_connection_gap_seconds_total{connection=\"binance-0\"} 3.5\n"));
    assertThat(text, containsString("ingest_ticks_per_second{pair=\"BTCUSDT\"} 12.5\n"));
    assertThat(text, containsString("ingest_kafka_acked_total{topic=\"ticks-dlq\"} 9.0\n"));
    assertThat(text, containsString("ingest_last_tick_age_seconds{pair=\"ETHUSDT\"} -1.0\n"));
    assertThat(text, containsString("ingest_update_id_sequence_restarts_total 1.0\n"));
    assertThat(text, containsString("ingest_gap_records_total{pair=\"BTCUSDT\"} 4.0\n"));
    assertThat(text, containsString("ingest_gap_record_seconds_total{pair=\"BTCUSDT\"} 3.25\n"));
    assertThat(text, containsString("ingest_kafka_gap_records_acked_total{topic=\"ticks\"} 8.0\n"));
    assertThat(text, containsString("ingest_kafka_gap_records_failed_total{topic=\"ticks\"} 1.0\n"));
  }

  @Test
  public void rateMeterAveragesOverItsWindow() {
    RateMeter m = new RateMeter(3);
    m.sample(0, 0);
    assertThat(m.perSecond(), is(0.0));
    m.sample(10, 1000);
    assertThat(m.perSecond(), is(10.0));
    m.sample(30, 2000);
    m.sample(60, 3000);
    assertThat(m.perSecond(), is(20.0));
    m.sample(60, 4000); // window now 1000..4000: (60-10)/3
    assertThat(m.perSecond(), is(50.0 / 3));
  }
}
