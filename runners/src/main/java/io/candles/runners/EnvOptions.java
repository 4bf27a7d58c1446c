package io.candles.runners;

import io.candles.pipeline.CandleOptions;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Options from environment variables named after them: {@code --bootstrapServers} from
 * {@code BOOTSTRAP_SERVERS}, {@code --jdbcUrl} from {@code JDBC_URL}, and so on, for every option of
 * {@link CandleOptions} and {@link LauncherOptions} and a few of the Flink runner's ({@link #FLINK_OPTIONS}). The command line
 * wins over the environment. This is how containers (docker-compose.yml) configure the launcher, and
 * why {@code set -a; . DIR/services.env; set +a} (scripts/services.sh) is enough to point it at the
 * local services.
 *
 * <p>Each variable can instead name a file that holds the value, as {@code NAME_FILE}
 * ({@code JDBC_PASSWORD_FILE=/run/secrets/jdbc_password}): how Docker and Compose hand out secrets,
 * so a password need not sit in the environment of the container, where {@code docker inspect}
 * shows it. Trailing line breaks of the file are not part of the value.
 */
final class EnvOptions {

  /** The Flink runner's options that can come from the environment. */
  static final List<String> FLINK_OPTIONS = List.of(
      "runner", "flinkMaster", "parallelism", "checkpointingInterval", "savepointPath", "jobName");

  /** The suffix of a variable that names a file holding the value: JDBC_PASSWORD_FILE. */
  static final String FILE_SUFFIX = "_FILE";

  private EnvOptions() {}

  /** Every option that can come from the environment. */
  static Set<String> optionNames() {
    Set<String> names = new TreeSet<>(FLINK_OPTIONS);
    for (Class<?> options : List.of(CandleOptions.class, LauncherOptions.class)) {
      for (Method m : options.getDeclaredMethods()) {
        if (m.getName().startsWith("get") && m.getParameterCount() == 0) {
          names.add(Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4));
        }
      }
    }
    return names;
  }

  /** The variable of an option: bootstrapServers -> BOOTSTRAP_SERVERS. */
  static String variable(String option) {
    return option.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT);
  }

  /** The variables that can be set, for --help and the compose file's test. */
  static Set<String> variables() {
    Set<String> variables = new TreeSet<>();
    for (String o : optionNames()) {
      variables.add(variable(o));
    }
    return variables;
  }

  /**
   * The command line plus --option=value for each variable (or NAME_FILE) that is set and whose
   * option the command line lacks; {@code used} gets the names of the variables read, never their
   * values.
   *
   * @throws IllegalArgumentException a NAME_FILE that cannot be read or is empty, or a variable
   *     given both ways; the message is one line for the user
   */
  static String[] withEnvironment(String[] args, Map<String, String> env, List<String> used) {
    Set<String> given = CandlesLauncher.givenOptionNames(args);
    List<String> all = new ArrayList<>(List.of(args));
    for (String option : optionNames()) {
      String name = variable(option);
      String value = env.get(name);
      String file = env.get(name + FILE_SUFFIX);
      boolean hasValue = value != null && !value.isEmpty();
      boolean hasFile = file != null && !file.isEmpty();
      if (given.contains(option) || !hasValue && !hasFile) {
        continue;
      }
      if (hasValue && hasFile) {
        throw new IllegalArgumentException(name + " and " + name + FILE_SUFFIX + " are both set: keep one");
      }
      if (hasFile) {
        value = readValue(name + FILE_SUFFIX, file);
        name = name + FILE_SUFFIX;
      }
      all.add("--" + option + "=" + value);
      used.add(name);
    }
    return all.toArray(new String[0]);
  }

  /** The content of the file a NAME_FILE variable names, without trailing line breaks. */
  private static String readValue(String variable, String file) {
    String value;
    try {
      value = Files.readString(Path.of(file), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(variable + "=" + file + " cannot be read (" + e.getClass().getSimpleName()
          + (e.getMessage() == null || e.getMessage().equals(file) ? "" : ": " + e.getMessage())
          + "): point it at a readable file that holds the value");
    }
    value = value.replaceAll("[\\r\\n]+\\z", "");
    if (value.isEmpty()) {
      throw new IllegalArgumentException(variable + "=" + file + " is empty: put the value in it");
    }
    return value;
  }
}
