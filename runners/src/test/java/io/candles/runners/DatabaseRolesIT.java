package io.candles.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.candles.testkit.CandleReference;
import io.candles.testkit.CandleTable;
import io.candles.testkit.Database;
import io.candles.testkit.Services;
import io.candles.testkit.TickStream;
import io.candles.testkit.Topics;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.Test;

/**
 * The database roles of sql/roles.sql, on a real PostgreSQL: the pipeline runs as candles_job (it
 * writes the candles and may do nothing else), candles_reader reads them and nothing else, and the
 * table belongs to candles_owner, whose migration the job's role could not have run.
 */
public class DatabaseRolesIT {

  private static final Pattern RUNNING = Pattern.compile("Candle pipeline running on DirectRunner");
  private static final long MINUTE = 60_000L;

  @Test
  public void theJobWritesCandlesAndNothingElseAndReadersOnlyRead() throws Exception {
    DatabaseRoles.Roles db = DatabaseRoles.create(Services.database(), "candles_roles", "job-pw", "reader-pw");
    String bootstrap = Services.kafka().bootstrapServers();
    String topic = "ticks-roles";
    String table = "candle_stick_five_min";
    Topics.create(bootstrap, topic, 3);
    Topics.create(bootstrap, topic + "-dlq", 1);
    List<String> command = List.of("--bootstrapServers=" + bootstrap, "--topic=" + topic,
        "--dlqTopic=" + topic + "-dlq", "--jdbcUrl=" + db.job().url(), "--jdbcUser=" + db.job().user(),
        "--jdbcPassword=" + db.job().password());
    Path dir = Services.dataDir("roles");

    // Before the migration the job's role cannot create the table, and says so in one line.
    try (LauncherProcess launcher = LauncherProcess.startClasspath(dir.resolve("no-table.log"), command)) {
      assertEquals(Integer.valueOf(3), launcher.waitFor(Duration.ofSeconds(60)).orElse(-1));
      List<String> errors = launcher.output().lines().filter(l -> l.startsWith("error: ")).toList();
      assertEquals(launcher.tail(), 1, errors.size());
      assertThat(errors.get(0), containsString("SQLSTATE 42501"));
      assertThat(errors.get(0), containsString("permission denied for schema public"));
    }

    DatabaseRoles.migrate(db.superuser());
    assertEquals("candles_owner", owner(db.superuser(), table));

    // Six minutes of ticks, ended minutes ago and in the topic before the pipeline starts (a backlog):
    // every window has ended, so every row must be final.
    long base = (System.currentTimeMillis() / MINUTE) * MINUTE - 15 * MINUTE;
    List<TickStream.Sent> sent = Topics.produce(bootstrap, topic,
        FailureRun.pairs(3, 20211017).backlog(base, base + 6 * MINUTE, 75, 4, 1500, 80)).ticks();
    assertThat(sent.size(), greaterThanOrEqualTo(2500));
    try (LauncherProcess launcher = LauncherProcess.startClasspath(dir.resolve("launcher.log"), command)) {
      launcher.awaitOutput(RUNNING, Duration.ofSeconds(90));
      assertThat(launcher.output(), containsString("Candle table candle_stick_five_min is ready; user candles_job "
          + "may write candles to it but not change it, so its schema is left to its owner (sql/roles.sql)."));
      // Read back as the reader: the role bots use sees exactly the candles the reference computes.
      CandleTable.awaitEquals(db.reader(), table, CandleReference.candles(sent), Duration.ofSeconds(120),
          launcher::tail);
    }

    for (String sql : List.of("DELETE FROM candle_stick_five_min", "TRUNCATE candle_stick_five_min",
        "DROP TABLE candle_stick_five_min", "ALTER TABLE candle_stick_five_min ADD COLUMN x int",
        "CREATE TABLE candle_stick_one_min (id int)")) {
      assertRefused(db.job(), sql);
    }
    for (String sql : List.of("INSERT INTO candle_stick_five_min (currency_pair, open_price, high_price, low_price,"
            + " close_price, open_time, close_time, tick_count) VALUES ('X', 1, 1, 1, 1, now(), now(), 1)",
        "UPDATE candle_stick_five_min SET tick_count = 0", "DELETE FROM candle_stick_five_min",
        "CREATE TABLE candle_stick_one_min (id int)")) {
      assertRefused(db.reader(), sql);
    }

    // Applied again on every deployment start: nothing fails and every right stays as it was.
    DatabaseRoles.applyRoles(db.superuser());
    DatabaseRoles.migrate(db.superuser());
    assertRefused(db.job(), "DELETE FROM candle_stick_five_min");
    assertTrue(count(db.reader(), table) > 0);
  }

  private static void assertRefused(Database role, String sql) throws SQLException {
    try (Connection c = role.connect(); Statement s = c.createStatement()) {
      s.execute(sql);
      fail(role.user() + " may run: " + sql);
    } catch (SQLException e) {
      if (!"42501".equals(e.getSQLState())) {
        throw e;
      }
    }
  }

  private static String owner(Database jdbc, String table) throws SQLException {
    try (Connection c = jdbc.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT tableowner FROM pg_tables WHERE tablename = '" + table + "'")) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  private static long count(Database jdbc, String table) throws SQLException {
    try (Connection c = jdbc.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
