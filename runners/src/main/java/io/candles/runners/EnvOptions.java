package io.candles.runners;

import io.candles.pipeline.CandleOptions;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Options from environment variables named after them: {@code --bootstrapServers} from
 * {@code BOOTSTRAP_SERVERS}, {@code --jdbcUrl} from {@code JDBC_URL}, and so on, for every option of
 * {@link CandleOptions} and a few of the Flink runner's ({@link #FLINK_OPTIONS}). The command line
 * wins over the environment. This is how containers (docker-compose.yml) configure the launcher, and
 * why {@code set -a; . DIR/services.env; set +a} (scripts/services.sh) is enough to point it at the
 * local services.
 */
final class EnvOptions {

  /** The Flink runner's options that can come from the environment. */
  static final List<String> FLINK_OPTIONS = List.of(
      "runner", "flinkMaster", "parallelism", "checkpointingInterval", "savepointPath");

  private EnvOptions() {}

  /** Every option that can come from the environment. */
  static Set<String> optionNames() {
    Set<String> names = new TreeSet<>(FLINK_OPTIONS);
    for (Method m : CandleOptions.class.getDeclaredMethods()) {
      if (m.getName().startsWith("get") && m.getParameterCount() == 0) {
        names.add(Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4));
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

  /** The command line plus --option=value for each variable that is set and whose option the command line lacks. */
  static String[] withEnvironment(String[] args, Map<String, String> env, List<String> used) {
    Set<String> given = CandlesLauncher.givenOptionNames(args);
    List<String> all = new ArrayList<>(List.of(args));
    for (String option : optionNames()) {
      String value = env.get(variable(option));
      if (value != null && !value.isEmpty() && !given.contains(option)) {
        all.add("--" + option + "=" + value);
        used.add(variable(option));
      }
    }
    return all.toArray(new String[0]);
  }
}
