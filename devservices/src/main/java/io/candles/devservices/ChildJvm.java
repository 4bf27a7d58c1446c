package io.candles.devservices;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/** The command line of a child JVM that runs a main class under {@link ParentWatchingMain}. */
public final class ChildJvm {

    static final String BROKER_CLASSPATH = "kafka-broker.classpath";
    static final String BROKER_SLF4J_CLASSPATH = "kafka-broker-slf4j.classpath";

    private ChildJvm() {
    }

    /** The same java that runs this JVM, so the child gets the same Java version. */
    public static String javaBinary() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * The broker's classpath: the jars that the devservices build listed (the broker is 'provided' here,
     * so it is never on this JVM's classpath) plus devservices' own classes for ParentWatchingMain.
     */
    static String brokerClasspath() {
        List<String> parts = new ArrayList<>();
        parts.add(readResource(BROKER_CLASSPATH));
        parts.add(readResource(BROKER_SLF4J_CLASSPATH));
        parts.add(ownLocation().toString());
        String classpath = String.join(File.pathSeparator, parts);
        for (String entry : classpath.split(File.pathSeparator)) {
            // A cleaned local Maven repository would otherwise show up as a ClassNotFoundException in broker.log.
            if (!Files.exists(Paths.get(entry))) {
                throw new IllegalStateException("the Kafka broker jar " + entry
                        + " is missing; rebuild the devservices module: mvn -pl devservices package");
            }
        }
        return classpath;
    }

    /** The directory or jar that holds the devservices classes. */
    static Path ownLocation() {
        try {
            return Paths.get(KafkaBroker.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the devservices classes: " + e.getMessage(), e);
        }
    }

    /**
     * [setsid] java [jvmOptions] -cp classpath ParentWatchingMain <this pid> mainClass args: in a session of
     * its own (see {@link OwnSession}), so that a Ctrl-C reaches only this JVM, which stops it in order.
     */
    public static List<String> command(String classpath, List<String> jvmOptions, String mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath);
        command.add(ParentWatchingMain.class.getName());
        command.add(Long.toString(ProcessHandle.current().pid()));
        command.add(mainClass);
        command.addAll(args);
        return OwnSession.wrap(command);
    }

    private static String readResource(String name) {
        try (InputStream in = ChildJvm.class.getResourceAsStream(name)) {
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
