package io.candles.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.BeforeClass;
import org.junit.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml, checked without a Docker engine (there is none here): it parses, every service
 * exists, images are pinned (Flink and Kafka to the versions the build uses), long-running services
 * have health checks, volumes are named, only Kafka's and Flink's UI ports are published, and every
 * environment variable given to the project's own containers is one their code reads. SnakeYAML comes
 * with Beam's Kafka IO (its expansion service).
 */
public class ComposeFileTest {

  private static final Path ROOT = Paths.get("..").toAbsolutePath().normalize();
  private static Map<String, Object> compose;
  private static Map<String, Map<String, Object>> services;

  @BeforeClass
  @SuppressWarnings("unchecked")
  public static void parse() throws IOException {
    compose = new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml"), StandardCharsets.UTF_8));
    services = (Map<String, Map<String, Object>>) compose.get("services");
  }

  private static String pomProperty(String name) throws IOException {
    Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(
        Files.readString(ROOT.resolve("pom.xml"), StandardCharsets.UTF_8));
    assertTrue(name + " in pom.xml", m.find());
    return m.group(1).trim();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> env(String service) {
    Object e = services.get(service).get("environment");
    return e == null ? Map.of() : (Map<String, Object>) e;
  }

  @Test
  public void everyServiceIsThere() {
    assertThat(services.keySet(), hasItems("kafka", "postgres", "jobmanager", "taskmanager", "ingester", "submit"));
  }

  /** Every service the README's Production section names (in backticks) is in the file. */
  @Test
  public void everyServiceTheReadmeNamesExists() throws IOException {
    String readme = java.nio.file.Files.readString(java.nio.file.Paths.get("..", "README.md"));
    String production = readme.substring(readme.indexOf("## Production"));
    int next = production.indexOf("\n## ", 3);
    production = next < 0 ? production : production.substring(0, next);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("`([a-z][a-z-]*)`").matcher(production);
    java.util.Set<String> named = new java.util.TreeSet<>();
    while (m.find()) {
      named.add(m.group(1));
    }
    assertThat(named, hasItems("kafka", "postgres", "jobmanager", "taskmanager", "ingester", "submit"));
    for (String service : named) {
      assertThat("the README names service " + service, services.keySet(), hasItems(service));
    }
  }

  @Test
  public void imagesArePinnedToTheVersionsTheBuildUses() throws IOException {
    for (Map.Entry<String, Map<String, Object>> s : services.entrySet()) {
      String image = (String) s.getValue().get("image");
      assertNotNull(s.getKey() + " has an image", image);
      String tag = image.substring(image.lastIndexOf(':') + 1);
      assertTrue(s.getKey() + ": " + image + " is pinned", image.contains(":") && !tag.equals("latest")
          && tag.matches(".*\\d+\\.\\d+.*"));
    }
    assertThat((String) services.get("jobmanager").get("image"),
        startsWith("flink:" + pomProperty("flink.version") + "-"));
    assertThat((String) services.get("jobmanager").get("image"), endsWith("-java17"));
    assertEquals(services.get("jobmanager").get("image"), services.get("taskmanager").get("image"));
    assertEquals("apache/kafka:" + pomProperty("kafka.broker.version"), services.get("kafka").get("image"));
    for (String line : Files.readAllLines(ROOT.resolve("docker").resolve("Dockerfile"), StandardCharsets.UTF_8)) {
      if (line.startsWith("FROM ")) {
        String image = line.split("\\s+")[1];
        assertTrue("Dockerfile: " + line, image.contains(":") && !image.endsWith(":latest"));
      }
    }
  }

  @Test
  public void longRunningServicesHaveHealthChecks() {
    for (String s : List.of("kafka", "postgres", "jobmanager", "taskmanager", "ingester")) {
      assertNotNull(s + " has a health check", services.get(s).get("healthcheck"));
      assertEquals(s + " restarts", "unless-stopped", services.get(s).get("restart"));
    }
    assertEquals("the submission runs once", "no", services.get("submit").get("restart"));
  }

  @Test
  @SuppressWarnings("unchecked")
  public void onlyKafkaAndTheFlinkUiArePublishedAndVolumesAreNamed() {
    Set<String> published = new TreeSet<>();
    Set<String> usedVolumes = new TreeSet<>();
    for (Map.Entry<String, Map<String, Object>> s : services.entrySet()) {
      if (s.getValue().containsKey("ports")) {
        published.add(s.getKey());
      }
      for (Object v : (List<Object>) s.getValue().getOrDefault("volumes", List.of())) {
        String source = v.toString().split(":")[0];
        if (!source.startsWith(".") && !source.startsWith("/")) {
          usedVolumes.add(source);
        }
      }
    }
    assertEquals(Set.of("kafka", "jobmanager", "serve"), published);
    assertEquals(List.of("8081:8081"), services.get("jobmanager").get("ports"));
    // The candle server (serve/ checks its own block): on the host's loopback only.
    assertEquals(List.of("127.0.0.1:8080:8080"), services.get("serve").get("ports"));
    assertEquals(((Map<String, Object>) compose.get("volumes")).keySet(), usedVolumes);
    assertThat((List<Object>) services.get("postgres").get("volumes"),
        hasItem("./sql/schema.sql:/docker-entrypoint-initdb.d/01-schema.sql:ro"));
    assertTrue(Files.exists(ROOT.resolve("sql").resolve("schema.sql")));
  }

  @Test
  public void theProjectsContainersGetOnlyVariablesTheirCodeReads() {
    List<String> unknown = new ArrayList<>();
    for (String variable : env("submit").keySet()) {
      if (!EnvOptions.variables().contains(variable)) {
        unknown.add("submit: " + variable);
      }
    }
    for (String variable : env("ingester").keySet()) {
      // The ingester takes its options on the command line and only its token from the environment.
      if (!variable.equals("INGEST_TOKEN")) {
        unknown.add("ingester: " + variable);
      }
    }
    assertThat(unknown, empty());
    assertEquals("FlinkRunner", env("submit").get("RUNNER"));
    assertEquals("jobmanager:8081", env("submit").get("FLINK_MASTER"));
  }
}
