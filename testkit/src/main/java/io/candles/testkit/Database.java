package io.candles.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** A PostgreSQL database to read candles from, by JDBC URL and login. */
public record Database(String url, String user, String password) {

  public Connection connect() throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("connectTimeout", "5");
    return DriverManager.getConnection(url, p);
  }

  /** The launcher's options for this database. */
  public String[] options() {
    return new String[] {"--jdbcUrl=" + url, "--jdbcUser=" + user, "--jdbcPassword=" + password};
  }

  @Override
  public String toString() {
    return "Database[" + url + "]";
  }
}
