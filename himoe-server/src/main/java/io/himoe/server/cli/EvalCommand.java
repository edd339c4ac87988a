package io.himoe.server.cli;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code himoe eval ...}: hands its arguments to the evaluation module ({@code
 * io.himoe.eval.EvalMain.run}) when this build includes it.
 */
@Command(
    name = "eval",
    description =
        "Run evaluations (routing accuracy, cost/latency, ablations); arguments go to the"
            + " himoe-eval module. Try 'himoe eval --help'.")
final class EvalCommand implements Callable<Integer> {

  static final String ENTRY = "io.himoe.eval.EvalMain";

  @ParentCommand Cli cli;

  @Parameters(arity = "0..*", paramLabel = "ARGS", description = "arguments for himoe-eval")
  List<String> args;

  @Override
  public Integer call() throws Exception {
    List<String> all = new java.util.ArrayList<>();
    if (args != null) {
      all.addAll(args);
    }
    Class<?> main;
    try {
      main = Class.forName(ENTRY);
    } catch (ClassNotFoundException e) {
      throw new CliFailure(
          "eval needs the himoe-eval module, which this build does not include yet",
          ExitCodes.FAILED);
    }
    Method run = main.getMethod("run", String[].class, PrintStream.class, PrintStream.class);
    try {
      Object code = run.invoke(null, all.toArray(String[]::new), cli.out(), cli.err());
      return code instanceof Integer i ? i : ExitCodes.OK;
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
  }
}
