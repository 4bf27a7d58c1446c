package io.candles.ingest.kafka;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.Test;

/** Which refusals give a record up and which hold it for a retry (the behaviour itself: IngestKafkaIT). */
public class KafkaPublisherTest {

  @Test
  public void aRefusalOfTheRecordItselfIsGivenUp() {
    assertThat(KafkaPublisher.permanentForRecord(new RecordTooLargeException("too large")), is(true));
    assertThat(KafkaPublisher.permanentForRecord(new SerializationException("bad bytes")), is(true));
    assertThat(KafkaPublisher.permanentForRecord(new InvalidTopicException("bad topic")), is(true));
  }

  @Test
  public void aRefusalThatTimeOrAnOperatorCanCureIsRetried() {
    assertThat(KafkaPublisher.permanentForRecord(new TimeoutException("no metadata")), is(false));
    assertThat(KafkaPublisher.permanentForRecord(new NotLeaderOrFollowerException("moving")), is(false));
    assertThat(KafkaPublisher.permanentForRecord(new TopicAuthorizationException("no ACL")), is(false));
    assertThat(KafkaPublisher.permanentForRecord(new SaslAuthenticationException("bad password")), is(false));
    assertThat(KafkaPublisher.permanentForRecord(new IllegalStateException("producer closed")), is(false));
  }
}
