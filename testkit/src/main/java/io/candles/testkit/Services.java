package io.candles.testkit;

import io.candles.devservices.KafkaBroker;
import io.candles.devservices.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * One real Kafka broker and one real PostgreSQL for the integration tests of a JVM, started on
 * first use (each test uses its own topics and tables) and stopped when the JVM exits; both stop by
 * themselves too if the JVM dies.
 */
public final class Services {
  private static KafkaBroker kafka;
  private static PostgresServer postgres;

  private Services() {}

  public static synchronized KafkaBroker kafka() {
    if (kafka == null) {
      kafka = KafkaBroker.builder(dataDir("kafka")).partitions(4).start();
      Runtime.getRuntime().addShutdownHook(new Thread(kafka::stop));
    }
    return kafka;
  }

  public static synchronized PostgresServer postgres() {
    if (postgres == null) {
      postgres = PostgresServer.start(dataDir("postgres"));
      Runtime.getRuntime().addShutdownHook(new Thread(postgres::stop));
    }
    return postgres;
  }

  public static Database database() {
    PostgresServer pg = postgres();
    return new Database(pg.jdbcUrl(), pg.user(), pg.password());
  }

  /** A new directory under target/it-services of the module under test. */
  public static Path dataDir(String name) {
    try {
      Path root = Paths.get("target", "it-services").toAbsolutePath();
      Files.createDirectories(root);
      return Files.createTempDirectory(root, name + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
