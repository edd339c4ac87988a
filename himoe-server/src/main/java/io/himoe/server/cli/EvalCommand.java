package io.himoe.server.cli;

import io.himoe.eval.EvalMain;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code himoe eval ...}: hands its arguments to the evaluation module ({@link EvalMain#run}),
 * which prints progress to stderr and one JSON line of results to stdout, and returns its exit
 * code.
 */
@Command(
    name = "eval",
    description =
        "Run evaluations: 'routes' (routing accuracy on labelled data), 'outcomes' (learned model"
            + " choice on per-model outcomes), 'embed' (a data file's text to a vector file). Try"
            + " 'himoe eval --help'.")
final class EvalCommand implements Callable<Integer> {

  @ParentCommand Cli cli;

  @Parameters(arity = "0..*", paramLabel = "ARGS", description = "arguments for himoe eval")
  List<String> args;

  @Override
  public Integer call() {
    String[] all = args == null ? new String[0] : args.toArray(String[]::new);
    return EvalMain.run(all, cli.out(), cli.err());
  }
}
