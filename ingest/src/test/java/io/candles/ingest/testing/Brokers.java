package io.candles.ingest.testing;

import io.candles.devservices.KafkaBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Starts a fresh devservices Kafka broker for a test. */
public final class Brokers {
  private Brokers() {}

  /**
   * {@link KafkaBroker#start(Path)} on a fresh directory under {@code parent}.
   *
   * @return the broker; its {@link KafkaBroker#dataDir()} is where it keeps its data (for restarts)
   */
  public static KafkaBroker startFresh(Path parent) throws IOException {
    return KafkaBroker.start(Files.createTempDirectory(parent, "kafka"));
  }
}
