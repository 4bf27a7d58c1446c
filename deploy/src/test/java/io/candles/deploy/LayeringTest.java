package io.candles.deploy;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.junit.Assert.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The module layering, checked on every module's compiled classes (this module is built after all
 * of them): contract at the bottom; process, devservices and testkit low; the exchange simulator
 * below the ingester, which starts it in-process; pipeline, ingest,
 * flink-cluster and serve above them, never importing each other (serve reads only the database);
 * runners above pipeline; bench, local and deploy on top, imported by nothing. An import against it
 * fails the build, naming the class and the line.
 */
public class LayeringTest {

  /** Every module, bottom up, with the packages its classes are in. */
  private static final String[][] MODULES = {
      {"contract", "io.candles.contract.."},
      {"process", "io.candles.process.."},
      {"devservices", "io.candles.devservices.."},
      {"testkit", "io.candles.testkit.."},
      // The pipeline's own classes in Beam's package (package-private access to KafkaIO's source).
      {"pipeline", "io.candles.pipeline..", "org.apache.beam.sdk.io.kafka.."},
      // The exchange simulator: the ingester starts it in-process for --exchange simulator.
      {"simulator", "io.candles.simulator.."},
      {"ingest", "io.candles.ingest.."},
      {"flink-cluster", "io.candles.flinkcluster.."},
      {"serve", "io.candles.serve.."},
      {"runners", "io.candles.runners.."},
      {"bench", "io.candles.bench.."},
      {"local", "io.candles.local.."},
      {"deploy", "io.candles.deploy.."}};

  private static final Path ROOT = Paths.get("..").toAbsolutePath().normalize();
  private static JavaClasses main;
  private static JavaClasses mainAndTests;

  @BeforeClass
  public static void importEveryModule() {
    List<Path> mainDirs = new ArrayList<>();
    List<Path> allDirs = new ArrayList<>();
    for (String[] module : MODULES) {
      Path classes = ROOT.resolve(module[0]).resolve("target/classes");
      Path testClasses = ROOT.resolve(module[0]).resolve("target/test-classes");
      if (Files.isDirectory(classes)) {
        mainDirs.add(classes);
        allDirs.add(classes);
      }
      if (Files.isDirectory(testClasses)) {
        allDirs.add(testClasses);
      }
      // A module not built would make every rule about it pass: refuse that.
      assertTrue(module[0] + "/target has no classes: build every module first (mvn -B verify does)",
          Files.isDirectory(classes) || Files.isDirectory(testClasses));
    }
    main = new ClassFileImporter().importPaths(mainDirs);
    mainAndTests = new ClassFileImporter().importPaths(allDirs);
  }

  /** The layers; a class outside them (the JDK, libraries) is not checked. */
  private static LayeredArchitecture layers() {
    LayeredArchitecture layers = layeredArchitecture().consideringOnlyDependenciesInLayers();
    for (String[] module : MODULES) {
      layers = layers.layer(module[0]).definedBy(Arrays.copyOfRange(module, 1, module.length));
    }
    return layers;
  }

  @Test
  public void theMainCodeOfEveryModuleImportsOnlyTheModulesBelowIt() {
    // deploy has tests only.
    layers().withOptionalLayers(true)
        .whereLayer("contract").mayNotAccessAnyLayer()
        .whereLayer("process").mayNotAccessAnyLayer()
        .whereLayer("devservices").mayOnlyAccessLayers("process")
        .whereLayer("testkit").mayOnlyAccessLayers("contract", "process", "devservices")
        .whereLayer("pipeline").mayOnlyAccessLayers("contract", "process")
        .whereLayer("simulator").mayOnlyAccessLayers("contract", "process")
        .whereLayer("ingest").mayOnlyAccessLayers("contract", "process", "simulator")
        .whereLayer("flink-cluster").mayOnlyAccessLayers("process")
        .whereLayer("serve").mayOnlyAccessLayers("contract", "process")
        .whereLayer("runners").mayOnlyAccessLayers("contract", "process", "pipeline")
        .whereLayer("bench").mayNotBeAccessedByAnyLayer()
        .whereLayer("local").mayNotBeAccessedByAnyLayer()
        .whereLayer("deploy").mayNotBeAccessedByAnyLayer()
        .check(main);
  }

  /**
   * Tests may also use the services and helpers for tests (devservices, testkit), and serve's tests
   * write candle rows as the pipeline does; ingest and pipeline still never meet, and nothing
   * imports a module above its own.
   */
  @Test
  public void theTestsOfEveryModuleImportOnlyTheModulesBelowItAndTheTestHelpers() {
    layers()
        .whereLayer("contract").mayOnlyAccessLayers("testkit")
        .whereLayer("process").mayNotAccessAnyLayer()
        .whereLayer("devservices").mayOnlyAccessLayers("process")
        .whereLayer("testkit").mayOnlyAccessLayers("contract", "process", "devservices")
        .whereLayer("pipeline").mayOnlyAccessLayers("contract", "process", "devservices", "testkit")
        .whereLayer("simulator").mayOnlyAccessLayers("contract", "process", "devservices", "testkit")
        .whereLayer("ingest").mayOnlyAccessLayers("contract", "process", "devservices", "testkit", "simulator")
        .whereLayer("flink-cluster").mayOnlyAccessLayers("process")
        .whereLayer("serve").mayOnlyAccessLayers("contract", "process", "devservices", "testkit", "pipeline")
        .whereLayer("runners").mayOnlyAccessLayers("contract", "process", "devservices", "testkit", "pipeline",
            "flink-cluster")
        .whereLayer("bench").mayNotBeAccessedByAnyLayer()
        .whereLayer("local").mayNotBeAccessedByAnyLayer()
        .whereLayer("deploy").mayNotBeAccessedByAnyLayer()
        .check(mainAndTests);
  }

  @Test
  public void eachModuleHasClassesToCheck() {
    for (String[] module : MODULES) {
      String pkg = module[1].substring(0, module[1].length() - 2);
      assertTrue("no classes of " + module[0] + " (" + pkg + ") were imported",
          mainAndTests.stream().anyMatch(c -> c.getPackageName().startsWith(pkg)));
    }
  }
}
