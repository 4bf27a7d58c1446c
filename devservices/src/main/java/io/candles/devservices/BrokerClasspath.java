package io.candles.devservices;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;

/**
 * The broker's classpath: the jars that the devservices build listed (the broker is 'provided' here,
 * so it is never on this JVM's classpath).
 */
final class BrokerClasspath {

  static final String BROKER_CLASSPATH = "kafka-broker.classpath";
  static final String BROKER_SLF4J_CLASSPATH = "kafka-broker-slf4j.classpath";

  private BrokerClasspath() {}

  static String get() {
    String classpath = readResource(BROKER_CLASSPATH) + File.pathSeparator + readResource(BROKER_SLF4J_CLASSPATH);
    for (String entry : classpath.split(File.pathSeparator)) {
      // A cleaned local Maven repository would otherwise show up as a ClassNotFoundException in broker.log.
      if (!Files.exists(Paths.get(entry))) {
        throw new IllegalStateException("the Kafka broker jar " + entry
            + " is missing; rebuild the devservices module: mvn -pl devservices package");
      }
    }
    return classpath;
  }

  private static String readResource(String name) {
    try (InputStream in = BrokerClasspath.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the Kafka broker classpath (resource io/candles/devservices/" + name
            + ") is missing; build the devservices module first: mvn -pl devservices package");
      }
      String classpath = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      if (classpath.isEmpty()) {
        throw new IllegalStateException("the Kafka broker classpath (resource io/candles/devservices/" + name
            + ") is empty; rebuild the devservices module: mvn -pl devservices package");
      }
      return classpath;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read resource io/candles/devservices/" + name + ": " + e, e);
    }
  }
}
