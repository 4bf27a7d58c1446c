package io.candles.pipeline;

import io.candles.devservices.KafkaBroker;
import io.candles.devservices.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * One real Kafka broker and one real PostgreSQL for all integration tests of this JVM, started
 * on first use (each test uses its own topics and tables) and stopped when the JVM exits.
 */
final class TestServices {
  private static KafkaBroker kafka;
  private static PostgresServer postgres;

  private TestServices() {}

  static synchronized KafkaBroker kafka() {
    if (kafka == null) {
      kafka = KafkaBroker.start(dataDir("kafka"));
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

  static JdbcSettings jdbc() {
    PostgresServer pg = postgres();
    return new JdbcSettings(pg.jdbcUrl(), pg.user(), pg.password());
  }

  private static Path dataDir(String name) {
    try {
      Path root = Paths.get("target", "it-services");
      Files.createDirectories(root);
      return Files.createTempDirectory(root, name + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
