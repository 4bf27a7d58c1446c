package io.candles.devservices;

import io.candles.process.Ports;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files a broker needs in its data directory: server.properties (which also keeps the ports across
 * restarts, so a restarted broker has the same address) and a log4j2 configuration.
 */
final class BrokerConfig {

  static final String SERVER_PROPERTIES = "server.properties";
  static final String LOG4J2_XML = "log4j2.xml";
  static final String LOG_DIRS = "kraft-logs";

  private static final Pattern BROKER_LISTENER = Pattern.compile("PLAINTEXT://[^:,]+:(\\d+)");
  private static final Pattern CONTROLLER_LISTENER = Pattern.compile("CONTROLLER://[^:,]+:(\\d+)");

  final int port;
  final int controllerPort;

  private BrokerConfig(int port, int controllerPort) {
    this.port = port;
    this.controllerPort = controllerPort;
  }

  /**
   * The ports for a start in dataDir: the requested broker port if not 0, else the one of the last run,
   * else a free one; the controller port of the last run, else a free one.
   */
  static BrokerConfig ports(Path dataDir, int requestedPort) {
    Properties previous = readServerProperties(dataDir);
    String listeners = previous.getProperty("listeners", "");
    int port = requestedPort != 0 ? requestedPort : find(BROKER_LISTENER, listeners);
    int controllerPort = find(CONTROLLER_LISTENER, listeners);
    if (port == 0) {
      port = Ports.free();
    }
    while (controllerPort == 0 || controllerPort == port) {
      controllerPort = Ports.free();
    }
    return new BrokerConfig(port, controllerPort);
  }

  /** Rewritten on every start, so a changed setting here reaches existing data directories. */
  void writeServerProperties(Path dataDir, int partitions) {
    String host = Ports.HOST;
    Map<String, String> config = new LinkedHashMap<>();
    // One process is both the broker and the KRaft controller (a quorum of one).
    config.put("process.roles", "broker,controller");
    config.put("node.id", "1");
    config.put("controller.quorum.voters", "1@" + host + ":" + controllerPort);
    config.put("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
    config.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
    config.put("controller.listener.names", "CONTROLLER");
    config.put("inter.broker.listener.name", "PLAINTEXT");
    config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    config.put("log.dirs", dataDir.resolve(LOG_DIRS).toString());
    config.put("num.partitions", Integer.toString(partitions));
    config.put("auto.create.topics.enable", "true");
    // A single broker: every internal topic has one replica, or it could never be created.
    config.put("offsets.topic.replication.factor", "1");
    config.put("transaction.state.log.replication.factor", "1");
    config.put("transaction.state.log.min.isr", "1");
    config.put("share.coordinator.state.topic.replication.factor", "1");
    config.put("share.coordinator.state.topic.min.isr", "1");
    // Fewer partitions of the internal topics than the default 50: they are created faster on first use.
    config.put("offsets.topic.num.partitions", "5");
    config.put("transaction.state.log.num.partitions", "5");
    // Consumers of a new group get their partitions at once instead of after 3 s.
    config.put("group.initial.rebalance.delay.ms", "0");

    StringBuilder text = new StringBuilder()
        .append("# Written by io.candles.devservices.KafkaBroker on every start; the ports are kept\n")
        .append("# across restarts. Edits are overwritten.\n");
    config.forEach((key, value) -> text.append(key).append('=').append(value.replace("\\", "\\\\")).append('\n'));
    write(dataDir.resolve(SERVER_PROPERTIES), text.toString());
  }

  /**
   * Kafka 4 logs with log4j2. INFO to the console (which goes to broker.log), with the chattiest loggers
   * at WARN. kafka.server.KafkaRaftServer must stay at INFO: it logs the line that tells the broker started.
   */
  static void writeLog4j2(Path dataDir) {
    String[] quiet = {
      "org.apache.kafka.common.config", // every config value of every client and server
      "org.apache.kafka.common.utils.AppInfoParser",
      "org.apache.kafka.common.metrics",
      "org.apache.kafka.raft",
      "org.apache.kafka.controller",
      "org.apache.kafka.metadata",
      "org.apache.kafka.image",
      "org.apache.kafka.storage",
      "org.apache.kafka.server",
      "org.apache.kafka.coordinator",
      "org.apache.kafka.queue",
      "org.apache.kafka.snapshot",
      "kafka.log",
      "kafka.raft",
      "kafka.coordinator",
      "kafka.server.metadata",
      "kafka.server.ClientQuotaManager$ThrottledChannelReaper",
      "kafka.server.NodeToControllerRequestThread",
      "kafka.server.NodeToControllerChannelManagerImpl",
      "kafka.server.ReplicaManager$LogDirFailureHandler",
      "kafka.server.KafkaRequestHandlerPool",
      "kafka.utils.Log4jControllerRegistration$",
      "kafka.server.ReplicaFetcherManager",
      "kafka.server.ReplicaAlterLogDirsManager",
      "kafka.network",
      "state.change.logger",
      "kafka.request.logger",
    };
    StringBuilder xml = new StringBuilder()
        .append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .append("<!-- Written by io.candles.devservices.KafkaBroker on every start. -->\n")
        .append("<Configuration status=\"WARN\">\n")
        .append("  <Appenders>\n")
        .append("    <Console name=\"STDOUT\" target=\"SYSTEM_OUT\">\n")
        .append("      <PatternLayout pattern=\"[%d] %p %m (%c)%n\"/>\n")
        .append("    </Console>\n")
        .append("  </Appenders>\n")
        .append("  <Loggers>\n")
        .append("    <Root level=\"INFO\"><AppenderRef ref=\"STDOUT\"/></Root>\n");
    for (String logger : quiet) {
      xml.append("    <Logger name=\"").append(logger).append("\" level=\"WARN\"/>\n");
    }
    xml.append("  </Loggers>\n").append("</Configuration>\n");
    write(dataDir.resolve(LOG4J2_XML), xml.toString());
  }

  private static int find(Pattern pattern, String listeners) {
    Matcher matcher = pattern.matcher(listeners);
    return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
  }

  private static Properties readServerProperties(Path dataDir) {
    Properties properties = new Properties();
    Path file = dataDir.resolve(SERVER_PROPERTIES);
    if (Files.exists(file)) {
      try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        properties.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
    }
    return properties;
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
