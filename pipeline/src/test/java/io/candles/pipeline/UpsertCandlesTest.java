package io.candles.pipeline;

import static org.junit.Assert.assertEquals;

import java.sql.SQLException;
import org.junit.Test;

/** Which database errors the upsert retries: the transient ones, never a bug in our SQL or data. */
public class UpsertCandlesTest {

  private static boolean retried(String sqlState) {
    return UpsertCandles.isTransient(new SQLException("test", sqlState));
  }

  @Test
  public void lostConnectionsAreRetried() {
    assertEquals(true, retried("08006")); // connection failure
    assertEquals(true, retried("08001")); // could not connect
  }

  @Test
  public void serializationFailuresAndDeadlocksAreRetried() {
    assertEquals(true, retried("40001"));
    assertEquals(true, retried("40P01"));
  }

  @Test
  public void exhaustionAndShutdownAreRetried() {
    assertEquals(true, retried("53300")); // too many connections
    assertEquals(true, retried("57P01")); // admin shutdown
    assertEquals(true, retried("57P03")); // cannot connect now (starting up)
  }

  @Test
  public void errorsThatWouldFailAgainAreNot() {
    assertEquals(false, retried("42P01")); // undefined table
    assertEquals(false, retried("22003")); // numeric value out of range
    assertEquals(false, retried("23502")); // not-null violation
    assertEquals(false, retried("57014")); // query cancelled: not a 57P0x shutdown
    assertEquals(false, retried(null));
  }
}
