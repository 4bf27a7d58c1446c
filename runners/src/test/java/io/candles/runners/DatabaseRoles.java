package io.candles.runners;

import io.candles.pipeline.CandleSchema;
import io.candles.testkit.Database;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A candle database set up the way docker-compose.yml's migrate service sets one up: a new database,
 * {@code sql/roles.sql} applied as a superuser, passwords for the login roles, and the candle table
 * created by its owner role ({@code SET ROLE candles_owner}, then the schema).
 */
final class DatabaseRoles {

  static final Path ROLES_SQL = Paths.get("..", "sql", "roles.sql").toAbsolutePath().normalize();

  /** The database as each role logs in to it. */
  record Roles(Database superuser, Database job, Database reader) {}

  private DatabaseRoles() {}

  /** A new database named {@code name} with the roles applied and the passwords set, but no table yet. */
  static Roles create(Database admin, String name, String jobPassword, String readerPassword)
      throws SQLException, IOException {
    try (Connection c = admin.connect(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    String url = admin.url().substring(0, admin.url().lastIndexOf('/') + 1) + name;
    Database superuser = new Database(url, admin.user(), admin.password());
    applyRoles(superuser);
    try (Connection c = superuser.connect(); Statement s = c.createStatement()) {
      s.execute("ALTER ROLE candles_job PASSWORD " + literal(jobPassword));
      s.execute("ALTER ROLE candles_reader PASSWORD " + literal(readerPassword));
    }
    return new Roles(superuser, new Database(url, "candles_job", jobPassword),
        new Database(url, "candles_reader", readerPassword));
  }

  /** sql/roles.sql, as the superuser; it is idempotent. */
  static void applyRoles(Database superuser) throws SQLException, IOException {
    try (Connection c = superuser.connect(); Statement s = c.createStatement()) {
      s.execute(Files.readString(ROLES_SQL, StandardCharsets.UTF_8));
    }
  }

  /**
   * The migration: sql/schema.sql applied by the owner role, as docker/postgres/migrate.sh does it
   * (the contract's table; the job's role registers its windows itself).
   */
  static void migrate(Database superuser) throws SQLException {
    try (Connection c = superuser.connect(); Statement s = c.createStatement()) {
      s.execute("SET ROLE candles_owner");
      s.execute(CandleSchema.script());
    }
  }

  private static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}
