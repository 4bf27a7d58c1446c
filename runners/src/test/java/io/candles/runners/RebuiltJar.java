package io.candles.runners;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * The job jar as the next build of the pipeline would make it after its classes changed shape: every
 * class of pipeline/src/main gets a new field (which changes the serialVersionUID the JVM would derive
 * for it, and the layout of what Java serialization writes), and CandleOptions a new option. The
 * sources are compiled against the original jar and their classes replace the originals in a copy of
 * it. A savepoint taken by the original must restore into this one.
 */
final class RebuiltJar {

  private static final Pattern CLASS = Pattern.compile(
      "(?m)^([ \\t]*)((?:public |protected |private |static |final |abstract )*)class (\\w+)\\b[^{;]*\\{[ \\t]*\\n");

  private RebuiltJar() {}

  /** Writes the rebuilt jar to {@code out}; returns how many classes it replaced. */
  static int build(Path originalJar, Path out) throws IOException {
    return build(originalJar, Paths.get("..", "pipeline", "src", "main", "java").toAbsolutePath().normalize(), out);
  }

  /** The same from another copy of the pipeline's sources. */
  static int build(Path originalJar, Path sources, Path out) throws IOException {
    Path work = Files.createTempDirectory(out.toAbsolutePath().getParent(), "rebuilt-");
    Path src = work.resolve("src");
    Path classes = Files.createDirectories(work.resolve("classes"));
    List<String> files = new ArrayList<>();
    int changed = 0;
    try (Stream<Path> walk = Files.walk(sources)) {
      for (Path f : (Iterable<Path>) walk.filter(p -> p.toString().endsWith(".java"))::iterator) {
        String text = Files.readString(f, StandardCharsets.UTF_8);
        String rewritten = changed(text, f.getFileName().toString());
        changed += rewritten.equals(text) ? 0 : 1;
        Path target = src.resolve(sources.relativize(f).toString());
        Files.createDirectories(target.getParent());
        Files.writeString(target, rewritten, StandardCharsets.UTF_8);
        files.add(target.toString());
      }
    }
    if (changed < 10) {
      throw new IllegalStateException("only " + changed + " pipeline sources changed shape: the rewrite missed them");
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new IllegalStateException("no Java compiler: the tests need a JDK");
    }
    List<String> args = new ArrayList<>(List.of("--release", "17", "-proc:none", "-nowarn", "-encoding", "UTF-8",
        "-cp", originalJar.toString(), "-d", classes.toString()));
    args.addAll(files);
    if (javac.run(null, null, null, args.toArray(new String[0])) != 0) {
      throw new IllegalStateException("the changed pipeline sources do not compile (above)");
    }
    Set<String> rebuilt = new HashSet<>();
    try (Stream<Path> walk = Files.walk(classes)) {
      walk.filter(Files::isRegularFile).forEach(p -> rebuilt.add(classes.relativize(p).toString().replace('\\', '/')));
    }
    // A copy of the original with the rebuilt classes written over it; the zip file system copies the
    // other entries as they are, without compressing 200 MB again.
    Files.copy(originalJar, out, StandardCopyOption.REPLACE_EXISTING);
    int replaced = 0;
    try (FileSystem jar = FileSystems.newFileSystem(out)) {
      for (String name : rebuilt) {
        Path entry = jar.getPath(name);
        replaced += Files.exists(entry) ? 1 : 0;
        Files.createDirectories(entry.getParent());
        Files.copy(classes.resolve(name), entry, StandardCopyOption.REPLACE_EXISTING);
      }
    }
    deleteTree(work);
    return replaced;
  }

  /** Every class declaration gets a field; CandleOptions also a new option. */
  static String changed(String source, String fileName) {
    Matcher m = CLASS.matcher(source);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(m.group() + m.group(1) + "  private int rebuiltMarker"
          + m.group(3) + ";\n"));
    }
    m.appendTail(out);
    String text = out.toString();
    if (fileName.equals("CandleOptions.java")) {
      int end = text.lastIndexOf('}');
      text = text.substring(0, end) + "\n  @Description(\"An option only the rebuilt jar has.\")\n"
          + "  @Default.String(\"rebuilt\")\n  String getRebuiltMarker();\n\n  void setRebuiltMarker(String value);\n"
          + text.substring(end);
    }
    return text;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }
}
