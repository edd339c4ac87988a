package io.himoe.eval;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code himoe eval}: the parent of {@code routes} and {@code outcomes}. */
@Command(
    name = "himoe eval",
    mixinStandardHelpOptions = true,
    version = "himoe eval 0.1.0",
    description = {
      "Measure a router on labelled data (routes) or a learned model choice on per-model outcome"
          + " data (outcomes).",
      "Progress goes to stderr; the last stdout line is one JSON object with the results."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:the evaluation failed",
      "2:bad command line or bad input (the message names file, line and field)"
    })
final class EvalCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name a subcommand: 'routes' or 'outcomes' (see --help)");
  }
}
