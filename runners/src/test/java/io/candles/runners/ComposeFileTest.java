package io.candles.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.endsWith;
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
 * docker-compose.yml and docker-compose.debian.yml, checked without a Docker engine (the compose
 * smoke test starts them for real): they parse, images are pinned (Flink and Kafka to the versions
 * the build uses), long-running services have health checks, published ports are bound to
 * 127.0.0.1 unless the user opts in, no password is given in plain environment, Flink's jar upload
 * is off, every variable given to the project's own containers is one their code reads, and every
 * file a Dockerfile copies passes .dockerignore. SnakeYAML comes with Beam's Kafka IO.
 */
public class ComposeFileTest {

  private static final Path ROOT = Paths.get("..").toAbsolutePath().normalize();
  private static final Pattern DEFAULTED = Pattern.compile("\\$\\{[A-Z_]+:-([^}]*)}");
  private static Map<String, Object> compose;
  private static Map<String, Map<String, Object>> services;
  private static Map<String, Map<String, Object>> debian;

  @BeforeClass
  @SuppressWarnings("unchecked")
  public static void parse() throws IOException {
    compose = new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml"), StandardCharsets.UTF_8));
    services = (Map<String, Map<String, Object>>) compose.get("services");
    Map<String, Object> override = new Yaml().load(
        Files.readString(ROOT.resolve("docker-compose.debian.yml"), StandardCharsets.UTF_8));
    debian = (Map<String, Map<String, Object>>) override.get("services");
  }

  /** A value with every ${VAR:-default} replaced by its default, as Compose reads it when VAR is unset. */
  private static String defaults(Object value) {
    Matcher m = DEFAULTED.matcher(String.valueOf(value));
    return m.replaceAll(r -> Matcher.quoteReplacement(r.group(1)));
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
    assertThat(services.keySet(), hasItems("kafka", "postgres", "migrate", "jobmanager", "taskmanager", "ingester",
        "simulator", "submit"));
    assertTrue("the registry-free override only builds the same services", services.keySet().containsAll(
        debian.keySet()));
  }

  /** Every service the README's Production section names (in backticks) is in the file. */
  @Test
  public void everyServiceTheReadmeNamesExists() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    String production = readme.substring(readme.indexOf("## Production"));
    int next = production.indexOf("\n## ", 3);
    production = next < 0 ? production : production.substring(0, next);
    Matcher m = Pattern.compile("`([a-z][a-z-]*)`").matcher(production);
    Set<String> named = new TreeSet<>();
    while (m.find()) {
      named.add(m.group(1));
    }
    assertThat(named, hasItems("kafka", "postgres", "migrate", "jobmanager", "taskmanager", "ingester", "submit"));
    // Words in backticks there that are commands, tools, names or dead-letter reasons, not services.
    Set<String> notServices = Set.of("candles-smoke", "debootstrap", "deploy", "docker-compose", "dockerd", "down",
        "late", "localhost", "name", "psql", "ticks", "up");
    @SuppressWarnings("unchecked")
    Set<String> volumes = ((Map<String, Object>) compose.get("volumes")).keySet();
    for (String word : named) {
      if (!notServices.contains(word) && !volumes.contains(word)) {
        assertThat("the README names service " + word, services.keySet(), hasItems(word));
      }
    }
  }

  @Test
  public void imagesArePinnedToTheVersionsTheBuildUses() throws IOException {
    List<Map<String, Map<String, Object>>> files = List.of(services, debian);
    for (Map<String, Map<String, Object>> file : files) {
      for (Map.Entry<String, Map<String, Object>> s : file.entrySet()) {
        String image = defaults(s.getValue().get("image"));
        if (s.getValue().get("image") == null) {
          continue; // the override keeps the base file's image
        }
        String tag = image.substring(image.lastIndexOf(':') + 1);
        assertTrue(s.getKey() + ": " + image + " is pinned", image.contains(":") && !tag.equals("latest")
            && tag.matches(".*\\d+\\.\\d+.*|\\d+(-.*)?"));
      }
    }
    String flink = defaults(services.get("jobmanager").get("image"));
    assertThat(flink, startsWith("flink:" + pomProperty("flink.version") + "-"));
    assertThat(flink, endsWith("-java17"));
    assertEquals(services.get("jobmanager").get("image"), services.get("taskmanager").get("image"));
    assertEquals("apache/kafka:" + pomProperty("kafka.broker.version"), defaults(services.get("kafka").get("image")));
    assertEquals("candles/flink:" + pomProperty("flink.version") + "-debian", debian.get("jobmanager").get("image"));
    assertEquals("candles/kafka:" + pomProperty("kafka.broker.version") + "-debian", debian.get("kafka").get("image"));
    for (Path dockerfile : dockerfiles()) {
      List<String> lines = Files.readAllLines(dockerfile, StandardCharsets.UTF_8);
      for (String line : lines) {
        if (line.startsWith("FROM ")) {
          String image = line.split("\\s+")[1];
          Matcher arg = Pattern.compile("\\$\\{(\\w+)}").matcher(image);
          if (arg.matches()) {
            String name = arg.group(1);
            image = lines.stream().filter(l -> l.startsWith("ARG " + name + "=")).findFirst()
                .map(l -> l.substring(("ARG " + name + "=").length())).orElse("");
          }
          assertTrue(ROOT.relativize(dockerfile) + ": " + line + " is pinned", image.contains(":")
              && !image.endsWith(":latest"));
        }
      }
    }
  }

  @Test
  public void longRunningServicesHaveHealthChecksAndOneShotsRunOnce() {
    for (String s : List.of("kafka", "postgres", "jobmanager", "taskmanager", "ingester", "simulator", "submit",
        "serve")) {
      assertNotNull(s + " has a health check", services.get(s).get("healthcheck"));
      assertEquals(s + " restarts", "unless-stopped", services.get(s).get("restart"));
    }
    for (String s : List.of("migrate", "flink-data-init")) {
      assertEquals(s + " runs once", "no", services.get(s).get("restart"));
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  public void publishedPortsAreLocalUnlessTheUserOptsInAndVolumesAreNamed() {
    Set<String> published = new TreeSet<>();
    Set<String> usedVolumes = new TreeSet<>();
    for (Map.Entry<String, Map<String, Object>> s : services.entrySet()) {
      for (Object port : (List<Object>) s.getValue().getOrDefault("ports", List.of())) {
        published.add(s.getKey());
        assertThat(s.getKey() + " publishes " + port, port.toString(), startsWith("${BIND_ADDRESS:-127.0.0.1}:"));
      }
      for (Object v : (List<Object>) s.getValue().getOrDefault("volumes", List.of())) {
        String source = v.toString().split(":")[0];
        if (!source.startsWith(".") && !source.startsWith("/")) {
          usedVolumes.add(source);
        }
      }
    }
    assertEquals(Set.of("kafka", "postgres", "jobmanager", "serve"), published);
    assertEquals(((Map<String, Object>) compose.get("volumes")).keySet(), usedVolumes);
    // Kafka's listener for host clients advertises the local name unless told otherwise.
    assertThat(defaults(env("kafka").get("KAFKA_ADVERTISED_LISTENERS")), containsString("EXTERNAL://localhost:9094"));
  }

  @Test
  public void passwordsComeFromSecretFilesAndFlinkTakesNoJarUploads() {
    for (Map.Entry<String, Map<String, Object>> s : services.entrySet()) {
      for (String variable : env(s.getKey()).keySet()) {
        assertTrue(s.getKey() + ": " + variable + " would put a password in the container's environment",
            !variable.contains("PASSWORD") || variable.endsWith("_FILE"));
      }
    }
    assertEquals("/run/secrets/jdbc_password", env("submit").get("JDBC_PASSWORD_FILE"));
    assertEquals("candles_job", env("submit").get("JDBC_USER"));
    assertThat(env("jobmanager").get("FLINK_PROPERTIES").toString(), containsString("web.submit.enable: false"));
    assertThat(defaults(String.join(" ", stringList(services.get("ingester").get("command")))),
        containsString("--httpHost 127.0.0.1"));
  }

  @Test
  public void theProjectsContainersGetOnlyVariablesTheirCodeReads() {
    Set<String> launcher = new TreeSet<>();
    for (String v : EnvOptions.variables()) {
      launcher.add(v);
      launcher.add(v + EnvOptions.FILE_SUFFIX);
    }
    List<String> unknown = new ArrayList<>();
    for (String variable : env("submit").keySet()) {
      if (!launcher.contains(variable) && !JobKeeper.VARIABLES.contains(variable)) {
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
    assertEquals("jobmanager:8081", env("submit").get("FLINK_MASTER"));
    assertThat(stringList(services.get("submit").get("entrypoint")), hasItems(JobKeeper.class.getName()));
  }

  /** The simulator service runs the simulator's own jar, which the app image holds beside the ingester's. */
  @Test
  public void theSimulatorRunsItsOwnJarFromTheAppImage() throws IOException {
    assertThat(stringList(services.get("simulator").get("entrypoint")), hasItems("-jar", "/app/candles-simulator.jar"));
    assertThat(Files.readString(ROOT.resolve("docker/app/Dockerfile"), StandardCharsets.UTF_8),
        containsString("simulator/target/candles-simulator.jar"));
  }

  /** Every file a Dockerfile copies from the build context passes .dockerignore, which excludes the rest. */
  @Test
  public void everythingTheDockerfilesCopyIsInTheBuildContext() throws IOException {
    List<String> allowed = new ArrayList<>();
    for (String line : Files.readAllLines(ROOT.resolve(".dockerignore"), StandardCharsets.UTF_8)) {
      if (line.startsWith("!")) {
        allowed.add(line.substring(1));
      }
    }
    for (Path dockerfile : dockerfiles()) {
      for (String line : Files.readAllLines(dockerfile, StandardCharsets.UTF_8)) {
        if (line.startsWith("COPY ") && !line.contains("--from")) {
          String[] parts = line.split("\\s+");
          for (int i = 1; i < parts.length - 1; i++) {
            String source = parts[i];
            assertTrue(ROOT.relativize(dockerfile) + " copies " + source + ", which .dockerignore leaves out",
                allowed.stream().anyMatch(a -> source.equals(a) || source.startsWith(a.endsWith("/") ? a : a + "/")));
          }
        }
      }
    }
  }

  private static List<Path> dockerfiles() throws IOException {
    try (var files = Files.walk(ROOT.resolve("docker"))) {
      return files.filter(p -> p.getFileName().toString().equals("Dockerfile")).sorted().toList();
    }
  }

  @SuppressWarnings("unchecked")
  private static List<String> stringList(Object o) {
    return ((List<Object>) o).stream().map(String::valueOf).toList();
  }
}
