package io.candles.ingest.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Parses a picocli command of the ingester's (declared with {@code separator = " "}) the way its
 * users know: {@code --name value} or {@code --name=value}, and each mistake one line naming the
 * option. The values' own checks are {@link Values}'.
 */
public final class Arguments {
  private Arguments() {}

  /** True when {@code --help} or {@code -h} is among the arguments: help wins over any mistake. */
  public static boolean wantsHelp(String[] args) {
    for (String a : args) {
      if ("--help".equals(a) || "-h".equals(a)) {
        return true;
      }
    }
    return false;
  }

  /** The command for {@code options}: no @-files (an argument is what it says). */
  public static CommandLine command(Object options) {
    CommandLine cl = new CommandLine(options);
    cl.setExpandAtFiles(false);
    cl.setUsageHelpAutoWidth(false);
    return cl;
  }

  /** Fills the command's options from {@code args}. */
  public static void parse(CommandLine cl, String[] args) throws BadOption {
    try {
      cl.parseArgs(split(args));
    } catch (CommandLine.UnmatchedArgumentException e) {
      String first = e.getUnmatched().isEmpty() ? "" : e.getUnmatched().get(0);
      if (first.startsWith("-")) {
        throw new BadOption("unknown option " + first + suggestion(cl, first));
      }
      throw new BadOption("unexpected argument \"" + first + "\"; options look like --name value");
    } catch (CommandLine.MissingParameterException e) {
      throw new BadOption(name(e.getMissing().get(0)) + " needs a value");
    } catch (CommandLine.OverwrittenOptionException e) {
      throw new BadOption(name(e.getOverwritten()) + " is given twice");
    } catch (CommandLine.ParameterException e) {
      throw new BadOption(e.getMessage().replaceAll("\\s*\\R\\s*", " "));
    }
  }

  /** {@code --name=value} as {@code --name value}; empty arguments dropped. */
  private static String[] split(String[] args) {
    List<String> out = new ArrayList<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 2) {
        out.add(a.substring(0, eq));
        out.add(a.substring(eq + 1));
      } else if (!a.isEmpty()) {
        out.add(a);
      }
    }
    return out.toArray(new String[0]);
  }

  private static String name(ArgSpec arg) {
    return arg instanceof OptionSpec o ? o.longestName() : arg.paramLabel();
  }

  private static String suggestion(CommandLine cl, String given) {
    for (OptionSpec o : cl.getCommandSpec().options()) {
      if (o.longestName().equalsIgnoreCase(given)) {
        return " (did you mean " + o.longestName() + "?)";
      }
    }
    return "";
  }
}
