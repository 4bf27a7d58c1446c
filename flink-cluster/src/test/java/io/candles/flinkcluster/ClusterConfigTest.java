package io.candles.flinkcluster;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class ClusterConfigTest {

  @Rule
  public TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void writesOneFlatKeyPerLineWithTheChosenPortsAndSlots() throws Exception {
    Path dir = tmp.newFolder().toPath();
    Files.createDirectories(dir.resolve("conf"));
    Map<String, String> extra = new LinkedHashMap<>();
    extra.put("parallelism.default", "2");
    new ClusterConfig(dir, 18081, 16123, 3, "900m", "800m", extra).write();
    Map<String, String> yaml = new LinkedHashMap<>();
    for (String line : Files.readAllLines(dir.resolve("conf").resolve("config.yaml"), StandardCharsets.UTF_8)) {
      if (!line.startsWith("#") && !line.isBlank()) {
        String[] kv = line.split(": ", 2);
        yaml.put(kv[0], kv[1]);
      }
    }
    assertEquals("18081", yaml.get("rest.port"));
    assertEquals("16123", yaml.get("jobmanager.rpc.port"));
    assertEquals("3", yaml.get("taskmanager.numberOfTaskSlots"));
    assertEquals("800m", yaml.get("taskmanager.memory.process.size"));
    assertEquals("900m", yaml.get("jobmanager.memory.process.size"));
    assertEquals("hashmap", yaml.get("state.backend.type"));
    assertEquals("exponential-delay", yaml.get("restart-strategy.type"));
    assertEquals("10 ms", yaml.get("execution.buffer-timeout.interval"));
    assertEquals("no jar upload through the web UI", "false", yaml.get("web.submit.enable"));
    assertEquals("a TaskManager's log list is the directory of its -Dlog.file, not the data directory", null,
        yaml.get("taskmanager.log.path"));
    assertEquals("the caller's settings win", "2", yaml.get("parallelism.default"));
    assertEquals(dir.resolve("checkpoints").toUri().toString(), yaml.get("state.checkpoints.dir"));
    assertThat(Files.readString(dir.resolve("conf").resolve("log4j2.properties")), containsString("${sys:log.file}"));
  }

  @Test
  public void quotesWhatYamlWouldOtherwiseReadAsSomethingElse() {
    assertEquals("1024m", ClusterConfig.quote("1024m"));
    assertEquals("file:///tmp/x", ClusterConfig.quote("file:///tmp/x"));
    assertEquals("'a: b'", ClusterConfig.quote("a: b"));
    assertEquals("'yes'", ClusterConfig.quote("yes"));
    assertEquals("true", ClusterConfig.quote("true"));
    assertEquals("'it''s'", ClusterConfig.quote("it's"));
  }

  @Test
  public void overviewCountsTaskManagers() {
    assertEquals(2, FlinkRest.taskManagerCount("{\"taskmanagers\":2,\"slots-total\":4}"));
    assertEquals(-1, FlinkRest.taskManagerCount("{}"));
  }
}
