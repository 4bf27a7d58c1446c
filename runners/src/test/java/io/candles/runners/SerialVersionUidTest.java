package io.candles.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItems;

import io.candles.pipeline.CandlePipeline;
import java.io.IOException;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.apache.beam.sdk.io.kafka.KafkaSources;
import org.junit.Test;

/**
 * Every class of the pipeline that Java serialization can write declares its serialVersionUID.
 * Flink keeps a source's splits (our Kafka source and what it holds: the timestamp policy factory,
 * the value coder) and every state's coder in savepoints by Java serialization; without a declared
 * serialVersionUID the JVM derives one from the class's shape, so a rebuilt jar whose class gained
 * a field or a method could not read an older savepoint (FlinkSavepointIT restores one into such a
 * jar). Records are exempt: Java serialization ignores their serialVersionUID. So are exceptions:
 * Flink sends them between the JVMs of one build, never keeps them in a savepoint.
 */
public class SerialVersionUidTest {

  @Test
  public void everySerializableClassOfThePipelinePinsItsSerialVersionUid() throws Exception {
    List<String> classes = new ArrayList<>();
    classes.addAll(classesIn(CandlePipeline.class, "io/candles/"));
    classes.addAll(classesIn(KafkaSources.class, "org/apache/beam/sdk/io/kafka/"));
    classes.addAll(classesIn(CandlesLauncher.class, "io/candles/"));
    classes.addAll(classesIn(io.candles.contract.Tick.class, "io/candles/"));
    assertThat("the scan finds the classes it must", classes, hasItems("io.candles.pipeline.OhlcCombineFn",
        "io.candles.pipeline.BatchingUnboundedSource", "org.apache.beam.sdk.io.kafka.RescalableKafkaSource"));
    List<String> unpinned = new ArrayList<>();
    for (String name : classes) {
      Class<?> c = Class.forName(name, false, getClass().getClassLoader());
      if (!Serializable.class.isAssignableFrom(c) || Throwable.class.isAssignableFrom(c) || c.isInterface()
          || c.isRecord() || c.isEnum()
          || c.isAnonymousClass() || c.isSynthetic() || ObjectStreamClass.lookup(c) == null) {
        continue;
      }
      try {
        Field f = c.getDeclaredField("serialVersionUID");
        if (!Modifier.isStatic(f.getModifiers()) || f.getType() != long.class) {
          unpinned.add(name + " (serialVersionUID is not a static long)");
        }
      } catch (NoSuchFieldException e) {
        unpinned.add(name);
      }
    }
    assertThat("serializable classes without a serialVersionUID", unpinned, empty());
  }

  /** The classes under {@code prefix} in the jar or directory {@code anchor} was loaded from. */
  private static List<String> classesIn(Class<?> anchor, String prefix) throws IOException, URISyntaxException {
    Path location = Paths.get(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> names = new ArrayList<>();
    if (Files.isDirectory(location)) {
      try (Stream<Path> files = Files.walk(location.resolve(prefix))) {
        files.filter(p -> p.toString().endsWith(".class"))
            .map(p -> location.relativize(p).toString())
            .forEach(n -> names.add(n));
      }
    } else {
      try (JarFile jar = new JarFile(location.toFile())) {
        for (JarEntry e : java.util.Collections.list(jar.entries())) {
          if (e.getName().startsWith(prefix) && e.getName().endsWith(".class")) {
            names.add(e.getName());
          }
        }
      }
    }
    List<String> own = new ArrayList<>();
    for (String n : names) {
      String cls = n.substring(0, n.length() - ".class".length()).replace('/', '.').replace('\\', '.');
      // Only this repository's classes in KafkaIO's package, not KafkaIO's own.
      if (cls.startsWith("org.apache.beam") && !cls.matches(".*\\.(KafkaSources|RescalableKafkaSource)(\\$.*)?")) {
        continue;
      }
      own.add(cls);
    }
    return own;
  }
}
