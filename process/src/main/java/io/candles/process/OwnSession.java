package io.candles.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a child command in a session (and process group) of its own, with util-linux's setsid.
 *
 * <p>Ctrl-C in a terminal sends SIGINT to the whole foreground process group, so children in the
 * parent's group would all stop at once, in no order, while the parent is still stopping them one
 * after the other. In their own session only the parent receives it, and stops them in its order;
 * nor does a child get the SIGHUP of the terminal that started it. Started from a JVM the child is
 * never a group leader, so setsid runs the command in the same process (no fork): the PID of the
 * started process stays the command's PID.
 */
public final class OwnSession {

  private static final Path SETSID = find();

  private OwnSession() {}

  /** The command prefixed with setsid, or unchanged where there is no setsid (then Ctrl-C reaches it). */
  public static List<String> wrap(List<String> command) {
    if (SETSID == null) {
      return command;
    }
    List<String> wrapped = new ArrayList<>(command.size() + 1);
    wrapped.add(SETSID.toString());
    wrapped.addAll(command);
    return wrapped;
  }

  /** Whether children get a session of their own here. */
  public static boolean available() {
    return SETSID != null;
  }

  private static Path find() {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String dir : (path + ":/usr/bin:/bin").split(":")) {
      if (!dir.isEmpty()) {
        Path candidate = Paths.get(dir, "setsid");
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    return null;
  }
}
