package io.candles.ingest.testing;

import io.candles.devservices.KafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.rules.ExternalResource;
import org.junit.rules.TemporaryFolder;

/**
 * A real Kafka broker (devservices, its own JVM) on a fresh directory, started on first use and
 * stopped, with its data, when the rule ends: a {@code @ClassRule} shares it among a class's tests,
 * a {@code @Rule} gives each test its own.
 */
public final class BrokerRule extends ExternalResource {
  private final TemporaryFolder dir = new TemporaryFolder();
  private KafkaBroker broker;

  @Override
  protected void before() throws Throwable {
    dir.create();
  }

  @Override
  protected void after() {
    stop();
    dir.delete();
  }

  /** The broker, started now if it is not running. */
  public synchronized KafkaBroker broker() {
    if (broker == null) {
      try {
        broker = KafkaBroker.start(Files.createTempDirectory(dir.getRoot().toPath(), "kafka"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return broker;
  }

  public String bootstrapServers() {
    return broker().bootstrapServers();
  }

  /** Stops the broker (a clean shutdown); {@link #restart()} brings it back on the same data and port. */
  public synchronized void stop() {
    if (broker != null) {
      broker.stop();
    }
  }

  /** Kills the broker's process, as a crash would. */
  public synchronized void kill() {
    broker.kill();
  }

  /** Starts the broker again on the data it had. */
  public synchronized KafkaBroker restart() {
    Path data = broker.dataDir();
    broker = KafkaBroker.start(data);
    return broker;
  }
}
