package io.candles.runners;

import io.candles.devservices.KafkaBroker;
import io.candles.devservices.PostgresServer;
import io.candles.pipeline.JdbcSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * One real Kafka broker and one real PostgreSQL for the integration tests of this JVM, started on
 * first use (each test uses its own topics and table) and stopped when the JVM exits; both also
 * stop by themselves if this JVM dies.
 */
final class ItServices {
  private static KafkaBroker kafka;
  private static PostgresServer postgres;

  private ItServices() {}

  static synchronized KafkaBroker kafka() {
    if (kafka == null) {
      kafka = KafkaBroker.builder(dataDir("kafka")).partitions(4).start();
      Runtime.getRuntime().addShutdownHook(new Thread(kafka::stop));
    }
    return kafka;
  }

  static synchronized PostgresServer postgres() {
    if (postgres == null) {
      postgres = PostgresServer.start(dataDir("postgres"));
      Runtime.getRuntime().addShutdownHook(new Thread(postgres::stop));
    }
    return postgres;
  }

  static JdbcSettings jdbc(PostgresServer pg) {
    return new JdbcSettings(pg.jdbcUrl(), pg.user(), pg.password());
  }

  /** A new directory under target/it-services. */
  static Path dataDir(String name) {
    try {
      Path root = Paths.get("target", "it-services").toAbsolutePath();
      Files.createDirectories(root);
      return Files.createTempDirectory(root, name + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
