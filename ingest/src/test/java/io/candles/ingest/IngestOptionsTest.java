package io.candles.ingest;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.Assert.assertThrows;

import io.candles.ingest.cli.BadOption;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.Test;

public class IngestOptionsTest {

  private static IngestOptions parse(String... args) throws BadOption {
    return IngestOptions.parse(args, Map.of());
  }

  private static String bad(String... args) {
    BadOption e = assertThrows(BadOption.class, () -> parse(args));
    assertThat(e.getMessage(), not(containsString("\n")));
    return e.getMessage();
  }

  @Test
  public void defaults() throws Exception {
    IngestOptions o = parse();
    assertThat(o.exchange(), is("binance"));
    assertThat(o.endpoint(), nullValue());
    assertThat(o.pairs(), is(List.of("BTCUSDT", "ETHUSDT")));
    assertThat(o.bootstrapServers(), is("localhost:9092"));
    assertThat(o.topic(), is("ticks"));
    assertThat(o.dlqTopic(), is("ticks-dlq"));
    assertThat(o.httpHost(), is("127.0.0.1"));
    assertThat(o.httpPort(), is(8090));
    assertThat(o.token(), nullValue());
    assertThat(o.queueCapacity(), is(100_000));
    assertThat(o.priceJumps().fractionNanos(), is(100_000_000L));
    assertThat(o.priceJumps().drop(), is(false));
    assertThat(o.transport().silenceTimeout(), is(Duration.ofSeconds(30)));
    assertThat(o.transport().rolloverAfter(), is(Duration.ofHours(23)));
    assertThat(o.transport().backoffCap(), is(Duration.ofSeconds(30)));
    assertThat(o.createTopics(), is(true));
  }

  @Test
  public void aNonLoopbackListenerNeedsAToken() throws Exception {
    for (String host : List.of("0.0.0.0", "::", "192.0.2.10", "no-such-host.invalid")) {
      assertThat(bad("--httpHost", host), is("--httpHost " + host + " is not a loopback address, and POST /start and"
          + " /stop would be open to anyone who reaches it: pass --token (or INGEST_TOKEN), or listen on 127.0.0.1"));
    }
    assertThat(parse("--httpHost", "0.0.0.0", "--token", "t").httpHost(), is("0.0.0.0"));
    assertThat(IngestOptions.parse(new String[] {"--httpHost", "0.0.0.0"}, Map.of("INGEST_TOKEN", "t")).token(),
        is("t"));
    for (String host : List.of("127.0.0.1", "localhost", "::1", "127.0.0.2")) {
      assertThat(parse("--httpHost", host).token(), nullValue());
    }
  }

  @Test
  public void everyOptionBothForms() throws Exception {
    IngestOptions o = parse("--exchange", "binance-futures", "--endpoint=wss://fstream.binancefuture.com",
        "--pairs", "btcusdt, solusdt,BTCUSDT", "--bootstrapServers=k1:9092,k2:9092", "--topic", "t", "--dlqTopic", "d",
        "--httpHost", "0.0.0.0", "--httpPort", "0", "--token", "abc", "--queueCapacity", "10_000",
        "--maxJump", "0.02", "--dropJumps", "--silenceTimeout", "PT45S", "--pingInterval", "15s",
        "--connectTimeout", "3s", "--backoffBase", "250ms", "--backoffCap", "1m", "--rollover", "12h",
        "--maxStreamsPerConnection", "50", "--shutdownTimeout", "5s", "--brokerTimeout", "2s",
        "--createTopics=false", "--producer", "compression.type=zstd", "--producer", "linger.ms=20",
        "--simRate", "25000", "--simPort", "9555");
    assertThat(o.exchange(), is("binance-futures"));
    assertThat(o.endpoint(), is(URI.create("wss://fstream.binancefuture.com")));
    assertThat(o.pairs(), is(List.of("BTCUSDT", "SOLUSDT")));
    assertThat(o.bootstrapServers(), is("k1:9092,k2:9092"));
    assertThat(o.token(), is("abc"));
    assertThat(o.queueCapacity(), is(10_000));
    assertThat(o.priceJumps().drop(), is(true));
    assertThat(o.transport().silenceTimeout(), is(Duration.ofSeconds(45)));
    assertThat(o.transport().backoffBase(), is(Duration.ofMillis(250)));
    assertThat(o.transport().backoffCap(), is(Duration.ofMinutes(1)));
    assertThat(o.transport().rolloverAfter(), is(Duration.ofHours(12)));
    assertThat(o.maxStreamsPerConnection(), is(50));
    assertThat(o.createTopics(), is(false));
    assertThat(o.producerOverrides(), is(Map.of("compression.type", "zstd", "linger.ms", "20")));
    assertThat(o.simRate(), is(25_000));
  }

  @Test
  public void tokenFromTheEnvironment() throws Exception {
    assertThat(IngestOptions.parse(new String[0], Map.of("INGEST_TOKEN", "t0k")).token(), is("t0k"));
    assertThat(IngestOptions.parse(new String[] {"--token", "cli"}, Map.of("INGEST_TOKEN", "env")).token(), is("cli"));
  }

  @Test
  public void badOptionsAreOneClearLine() {
    assertThat(bad("--exchange", "kraken"), is("--exchange: \"kraken\" is not one of binance, binance-futures, simulator"));
    assertThat(bad("--bootstrapservers", "x"), is("unknown option --bootstrapservers (did you mean --bootstrapServers?)"));
    assertThat(bad("--pairs", "BTC-USDT"), is("--pairs: \"BTC-USDT\" is not a pair symbol like BTCUSDT"));
    assertThat(bad("--pairs", ","), containsString("give at least one pair"));
    assertThat(bad("--httpPort", "http"), is("--httpPort: \"http\" is not a whole number"));
    assertThat(bad("--httpPort", "70000"), is("--httpPort: 70000 is outside 0..65535"));
    assertThat(bad("--endpoint", "https://stream.binance.com"),
        is("--endpoint: \"https://stream.binance.com\" is not a ws:// or wss:// URL with a host"));
    assertThat(bad("--silenceTimeout", "soon"), containsString("is not a duration; use e.g. 500ms, 30s, 5m, 23h"));
    assertThat(bad("--pingInterval", "40s"), containsString("must be shorter than --silenceTimeout"));
    assertThat(bad("--backoffBase", "10s", "--backoffCap", "1s"), is("--backoffCap 1s is below --backoffBase 10s"));
    assertThat(bad("--maxJump", "ten"), is("--maxJump: \"ten\" is not a decimal number"));
    assertThat(bad("--maxJump", "-1"), containsString("--maxJump: the jump fraction cannot be negative"));
    assertThat(bad("--topic", "x", "--dlqTopic", "x"), containsString("rejects need their own topic"));
    assertThat(bad("--topic"), is("--topic needs a value"));
    assertThat(bad("--topic", "a", "--topic", "b"), is("--topic is given twice"));
    assertThat(bad("BTCUSDT"), is("unexpected argument \"BTCUSDT\"; options look like --name value"));
    assertThat(bad("--dropJumps=maybe"), is("--dropJumps: \"maybe\" is not true or false"));
    assertThat(bad("--producer", "linger.ms"), is("--producer: \"linger.ms\" is not key=value"));
  }

  @Test
  public void badProducerSettingsAreOneClearLineBeforeAnythingStarts() {
    assertThat(bad("--producer", "acks=banana"), is("--producer acks=banana: Invalid value banana for configuration"
        + " acks: String must be one of: all, -1, 0, 1; pass a valid value or drop it"));
    assertThat(bad("--producer", "linger.ms=soon"), is("--producer linger.ms=soon: Invalid value soon for"
        + " configuration linger.ms: Not a number of type LONG; pass a valid value or drop it"));
    assertThat(bad("--producer", "batch.size=-1"), containsString("--producer batch.size=-1: Invalid value -1"));
    assertThat(bad("--producer", "ack=all"), is("--producer ack=all: ack is not a Kafka producer setting; check its"
        + " spelling against the producer configuration"));
    assertThat(bad("--producer", "acks=1"), is("--producer acks=1: the idempotent producer (no duplicates, order"
        + " kept) needs acks=all; drop this setting"));
  }

  @Test
  public void producerSettingsThatKeepTheGuaranteesPass() throws Exception {
    assertThat(parse("--producer", "acks=-1", "--producer", "security.protocol=SSL").producerOverrides(),
        is(Map.of("acks", "-1", "security.protocol", "SSL")));
    assertThat(parse("--producer", "enable.idempotence=false", "--producer", "acks=1").producerOverrides().size(),
        is(2));
  }

  @Test
  public void helpListsEveryOptionWithItsDefault() {
    String usage = IngestOptions.usage();
    for (String option : new String[] {"exchange", "endpoint", "pairs", "bootstrapServers", "topic", "dlqTopic",
        "httpHost", "httpPort", "token", "queueCapacity", "maxJump", "dropJumps", "connectTimeout", "silenceTimeout",
        "pingInterval", "backoffBase", "backoffCap", "rollover", "maxStreamsPerConnection", "shutdownTimeout",
        "brokerTimeout", "createTopics", "producer", "simRate", "simPort", "help"}) {
      assertThat(option, usage, containsString("--" + option));
    }
    assertThat(usage, containsString("[default: localhost:9092]"));
    assertThat(usage, containsString("[default: ticks-dlq]"));
    assertThat(usage, containsString("[default: 127.0.0.1]"));
    assertThat(usage, containsString("binance | binance-futures | simulator"));
  }
}
