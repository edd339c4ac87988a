package io.himoe.server.cli;

import io.himoe.engine.Answer;
import io.himoe.server.assembly.Assembly;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/**
 * {@code himoe demo}: routes a handful of example inputs (a plan, a math question, a French
 * sentence, a language question, a knowledge question) and prints each answer with its decision
 * trace. Offline on the embedded default.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Route a handful of example inputs and print each answer with its decision trace.")
final class DemoCommand implements Callable<Integer> {

  /** The demo's inputs, one per kind of request. */
  static final List<String> EXAMPLES =
      List.of(
          "Plan: forecast next quarter's sales\n1. collect the sales data\n2. clean the"
              + " outliers\n3. train a forecast model\n4. present the results",
          "What is 12 * (7 + 5) - 3?",
          "Étiquette cette phrase : le petit chat dort sur le canapé.",
          "Quelle est la langue de cette phrase : der Hund schläft im Garten?",
          "What is a mixture of experts in machine learning?");

  @ParentCommand Cli cli;

  @Mixin ConfigOption config;

  @Override
  public Integer call() {
    PrintStream out = cli.out();
    try (Assembly a = Assembly.build(config.load(cli.env()))) {
      a.warmUp(cli.err());
      out.println(
          "Hi-MoE demo ("
              + config.describe()
              + "): routers "
              + String.join(", ", a.routerIds())
              + "; experts "
              + String.join(", ", a.experts().stream().map(Assembly.ExpertInfo::name).toList()));
      int failed = 0;
      for (int i = 0; i < EXAMPLES.size(); i++) {
        String input = EXAMPLES.get(i);
        out.println();
        out.println(
            "── " + (i + 1) + "/" + EXAMPLES.size() + "  " + TraceFormatter.shorten(input, 200));
        try {
          Answer ans = a.engine().ask(InputData.text(input), a.newContext(null, null));
          out.println("answer: " + indent(ans.value().render()));
          out.print(TraceFormatter.format(ans.trace()));
        } catch (MoeError e) {
          failed++;
          out.println("no answer: " + e.code() + ": " + e.getMessage());
        }
      }
      out.println();
      out.println((EXAMPLES.size() - failed) + " of " + EXAMPLES.size() + " inputs answered.");
      return failed == EXAMPLES.size() ? ExitCodes.FAILED : ExitCodes.OK;
    }
  }

  private static String indent(String s) {
    return s.replace("\n", "\n        ");
  }
}
