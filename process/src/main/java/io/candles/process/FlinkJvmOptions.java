package io.candles.process;

import java.util.List;

/** The JVM options that every JVM running Flink needs on Java 17. */
public final class FlinkJvmOptions {

  /**
   * What Flink's distribution puts in {@code env.java.opts.all} for Java 17: Flink (Kryo, its closure
   * cleaner, its network stack) reflects into these JDK packages. The runners' shaded jar repeats them
   * in its manifest (runners/pom.xml, checked by ShadedJarIT), as does docker/flink/docker-entrypoint.sh.
   */
  public static final List<String> JAVA17 = List.of(
      "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
      "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
      "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
      "--add-opens=java.base/java.lang=ALL-UNNAMED",
      "--add-opens=java.base/java.net=ALL-UNNAMED",
      "--add-opens=java.base/java.io=ALL-UNNAMED",
      "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
      "--add-opens=java.base/java.text=ALL-UNNAMED",
      "--add-opens=java.base/java.time=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

  private FlinkJvmOptions() {}
}
