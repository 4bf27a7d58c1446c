package io.candles.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;

import io.candles.process.FlinkJvmOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.junit.Test;

/** target/candles-pipeline.jar, the job jar: merged service files and a manifest that 'java -jar' can run. */
public class ShadedJarIT {

  private static String entry(JarFile jar, String name) throws IOException {
    try (InputStream in = jar.getInputStream(jar.getEntry(name))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  public void serviceFilesOfAllJarsAreMerged() throws IOException {
    try (JarFile jar = new JarFile(Paths.get("target", "candles-pipeline.jar").toFile())) {
      String runners = entry(jar, "META-INF/services/org.apache.beam.sdk.runners.PipelineRunnerRegistrar");
      assertThat(runners, containsString("org.apache.beam.runners.flink.FlinkRunnerRegistrar$Runner"));
      assertThat(runners, containsString("org.apache.beam.runners.direct.DirectRegistrar$Runner"));
      String executors = entry(jar, "META-INF/services/org.apache.flink.core.execution.PipelineExecutorFactory");
      assertThat(executors, containsString("org.apache.flink.client.deployment.executors.RemoteExecutorFactory"));
      assertThat(executors, containsString("org.apache.flink.client.deployment.executors.LocalExecutorFactory"));
      String fileSystems = entry(jar, "META-INF/services/org.apache.beam.sdk.io.FileSystemRegistrar");
      assertThat(fileSystems, containsString("org.apache.beam.sdk.io.LocalFileSystemRegistrar"));
    }
  }

  @Test
  public void theManifestRunsTheLauncherWithFlinksJava17Options() throws IOException {
    try (JarFile jar = new JarFile(Paths.get("target", "candles-pipeline.jar").toFile())) {
      Manifest m = jar.getManifest();
      assertEquals(CandlesLauncher.class.getName(), m.getMainAttributes().getValue("Main-Class"));
      List<String> options = new ArrayList<>();
      for (String p : m.getMainAttributes().getValue("Add-Exports").split(" ")) {
        options.add("--add-exports=" + p + "=ALL-UNNAMED");
      }
      for (String p : m.getMainAttributes().getValue("Add-Opens").split(" ")) {
        options.add("--add-opens=" + p + "=ALL-UNNAMED");
      }
      assertEquals(FlinkJvmOptions.JAVA17, options);
    }
  }
}
