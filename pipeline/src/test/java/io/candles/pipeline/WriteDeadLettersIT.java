package io.candles.pipeline;

import static org.junit.Assert.assertEquals;

import io.candles.contract.DeadLetter;
import io.candles.contract.RejectReason;
import io.candles.testkit.Services;
import io.candles.testkit.Topics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.Test;

/**
 * Dead letters on a real broker: one the broker refuses for good (larger than the topic takes) is
 * counted and logged, and the pipeline goes on and writes the others; it is not retried forever.
 */
public class WriteDeadLettersIT {

  @Test
  public void aDeadLetterTheBrokerRefusesIsCountedAndTheOthersAreWritten() throws Exception {
    String bootstrap = Services.kafka().bootstrapServers();
    String topic = "dlq-refusing";
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      // A topic that takes records of at most 4 KB: an operator's setting, or a smaller broker.
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of("max.message.bytes", "4096"))))
          .all().get(30, TimeUnit.SECONDS);
    }
    DeadLetter small = new DeadLetter("BTCUSDT", "{\"pair\":", RejectReason.INVALID_JSON, "the text ends", "ticks/0@1");
    DeadLetter large = new DeadLetter("BTCUSDT", "x".repeat(20_000), RejectReason.INVALID_JSON, "not JSON", "ticks/0@2");
    DeadLetter another = new DeadLetter("ETHUSDT", "{}", RejectReason.MISSING_FIELD, "pair is missing", "ticks/1@7");

    Pipeline p = Pipeline.create(TestPipeline.testingPipelineOptions());
    p.apply(Create.of(List.of(small, large, another)).withCoder(DeadLetterCoder.of()))
        .apply(new WriteDeadLetters(bootstrap, topic));
    PipelineResult result = p.run();
    result.waitUntilFinish();

    // What the topic holds first: whether a letter is missing, or only a count.
    List<Topics.Letter> letters = Topics.deadLetters(bootstrap, topic);
    assertEquals("the letters the broker took", List.of("ticks/0@1", "ticks/1@7"),
        letters.stream().map(Topics.Letter::source).sorted().toList());
    // Counted 1 of 2 written once in CI (cause not established): the counts get a moment to settle
    // after waitUntilFinish(), and a count that never comes still fails below.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while ((counter(result, WriteDeadLetters.REFUSED) < 1 || counter(result, WriteDeadLetters.WRITTEN) < 2)
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals("refused", 1L, counter(result, WriteDeadLetters.REFUSED));
    assertEquals("written", 2L, counter(result, WriteDeadLetters.WRITTEN));
  }

  private static long counter(PipelineResult result, String name) {
    long sum = 0;
    for (MetricResult<Long> c : result.metrics().queryMetrics(MetricsFilter.builder().build()).getCounters()) {
      if (c.getName().getNamespace().equals(RouteTicks.METRICS_NAMESPACE) && c.getName().getName().equals(name)) {
        sum += c.getAttempted();
      }
    }
    return sum;
  }
}
