package io.candles.pipeline;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.apache.beam.sdk.io.jdbc.JdbcIO;

/** Where the candle database is and how to log in. */
public record JdbcSettings(String url, String user, String password) implements Serializable {

  public JdbcIO.DataSourceConfiguration dataSourceConfiguration() {
    return JdbcIO.DataSourceConfiguration.create("org.postgresql.Driver", url)
        .withUsername(user)
        .withPassword(password)
        .withConnectionProperties("ApplicationName=candles-pipeline");
  }

  /** A plain connection, for set-up work outside the pipeline. */
  public Connection connect(int timeoutSeconds) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("connectTimeout", Integer.toString(timeoutSeconds));
    p.setProperty("loginTimeout", Integer.toString(timeoutSeconds));
    p.setProperty("ApplicationName", "candles-setup");
    return DriverManager.getConnection(url, p);
  }

  @Override
  public String toString() {
    // Never print the password.
    return "JdbcSettings[url=" + url + ", user=" + user + "]";
  }
}
