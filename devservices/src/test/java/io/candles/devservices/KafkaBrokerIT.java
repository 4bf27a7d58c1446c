package io.candles.devservices;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;

import io.candles.process.Ports;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class KafkaBrokerIT {

  @Rule
  public TemporaryFolder tmp = new TemporaryFolder();

  private KafkaBroker broker;

  @After
  public void killLeftover() {
    if (broker != null) {
      broker.kill();
    }
  }

  @Test
  public void startsAnswersStopsAndRestartsOnTheSamePortWithItsData() throws Exception {
    Path dir = tmp.newFolder("kafka").toPath();
    broker = KafkaBroker.start(dir);
    String bootstrap = broker.bootstrapServers();
    long pid = broker.pid();

    assertThat(bootstrap, matchesPattern("127\\.0\\.0\\.1:\\d+"));
    assertThat(isAlive(pid), is(true));
    assertThat(accepts(broker.port()), is(true));
    assertThat(Files.readString(broker.logFile()), containsString("Kafka Server started"));
    assertThat(apiKeys(broker.port()), hasItems((short) 0, (short) 1, (short) 18)); // Produce, Fetch, ApiVersions
    assertThat(Files.exists(dir.resolve("kraft-logs/meta.properties")), is(true));
    String clusterId = clusterId(dir);

    broker.stop();
    assertThat(isAlive(pid), is(false));
    assertThat(broker.isRunning(), is(false));
    assertThat(accepts(broker.port()), is(false));
    assertThat(Files.readString(broker.logFile()), containsString("shut down completed"));

    broker = KafkaBroker.start(dir);
    assertThat(broker.bootstrapServers(), equalTo(bootstrap));
    assertThat(broker.pid(), not(equalTo(pid)));
    assertThat(apiKeys(broker.port()), hasItems((short) 0, (short) 1));
    // Not formatted again: the same cluster, so its topics and records are still there.
    assertThat(clusterId(dir), equalTo(clusterId));
    broker.stop();
    assertThat(isAlive(broker.pid()), is(false));
  }

  @Test
  public void restartsAfterBeingKilledAndKeepsAFixedPort() throws Exception {
    Path dir = tmp.newFolder("kafka").toPath();
    int port = Ports.free();
    broker = KafkaBroker.builder(dir).port(port).partitions(1).start();
    assertThat(broker.bootstrapServers(), equalTo("127.0.0.1:" + port));
    assertThat(Files.readString(dir.resolve("server.properties")), containsString("num.partitions=1\n"));

    long pid = broker.pid();
    broker.kill();
    assertThat(isAlive(pid), is(false));

    broker = KafkaBroker.start(dir);
    assertThat(broker.port(), equalTo(port));
    assertThat(accepts(port), is(true));
    broker.stop();
  }

  @Test
  public void aTakenPortFailsWithOneClearLine() throws Exception {
    Path dir = tmp.newFolder("kafka").toPath();
    TakenPort.Refusal r = TakenPort.refusal(port -> broker = KafkaBroker.start(dir, port));
    assertThat(r.message(), containsString("Kafka broker port 127.0.0.1:" + r.port() + " is already in use"));
    assertThat(r.message(), not(containsString("\n")));
  }

  @Test
  public void clusterIdsAreUrlSafeBase64Of16Bytes() {
    String id = KafkaBroker.newClusterId();
    assertThat(id, matchesPattern("[A-Za-z0-9_-]{22}"));
    assertThat(KafkaBroker.newClusterId(), not(equalTo(id)));
    // kafka-storage would read a leading '-' as an option: one id in 64 did before.
    for (int i = 0; i < 5_000; i++) {
      assertThat(KafkaBroker.newClusterId(), matchesPattern("[A-Za-z0-9_][A-Za-z0-9_-]{21}"));
    }
  }

  private static String clusterId(Path dir) throws IOException {
    return Files.readAllLines(dir.resolve("kraft-logs/meta.properties")).stream()
        .filter(line -> line.startsWith("cluster.id=")).findFirst().orElseThrow();
  }

  private static boolean isAlive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Sends a raw ApiVersions v3 request (what Kafka clients send first) and returns the API keys in the
   * answer: proof that a Kafka broker, not just something, listens on the port.
   */
  private static Set<Short> apiKeys(int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      socket.setSoTimeout(10_000);
      byte[] clientId = "devservices-it".getBytes(StandardCharsets.UTF_8);
      byte[] softwareName = "devservices-it".getBytes(StandardCharsets.UTF_8);
      byte[] softwareVersion = "1".getBytes(StandardCharsets.UTF_8);
      java.io.ByteArrayOutputStream request = new java.io.ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(request);
      out.writeShort(18); // api key: ApiVersions
      out.writeShort(3); // api version
      out.writeInt(42); // correlation id
      out.writeShort(clientId.length); // request header v2: client id is a (non-compact) nullable string
      out.write(clientId);
      out.writeByte(0); // header tagged fields
      out.writeByte(softwareName.length + 1); // compact string
      out.write(softwareName);
      out.writeByte(softwareVersion.length + 1);
      out.write(softwareVersion);
      out.writeByte(0); // body tagged fields

      DataOutputStream wire = new DataOutputStream(socket.getOutputStream());
      wire.writeInt(request.size());
      request.writeTo(wire);
      wire.flush();

      DataInputStream in = new DataInputStream(socket.getInputStream());
      byte[] response = new byte[in.readInt()];
      in.readFully(response);
      DataInputStream body = new DataInputStream(new java.io.ByteArrayInputStream(response));
      assertThat("correlation id", body.readInt(), equalTo(42)); // ApiVersions responses use header v0
      assertThat("error code", body.readShort(), equalTo((short) 0));
      int count = readUnsignedVarint(body) - 1; // compact array
      Set<Short> keys = new HashSet<>();
      for (int i = 0; i < count; i++) {
        keys.add(body.readShort());
        body.readShort(); // min version
        body.readShort(); // max version
        int taggedFields = readUnsignedVarint(body);
        assertThat("tagged fields of an API key entry", taggedFields, equalTo(0));
      }
      return keys;
    }
  }

  private static int readUnsignedVarint(DataInputStream in) throws IOException {
    int value = 0;
    for (int shift = 0; ; shift += 7) {
      int b = in.readUnsignedByte();
      value |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
  }
}
