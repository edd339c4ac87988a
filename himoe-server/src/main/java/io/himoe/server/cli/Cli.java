package io.himoe.server.cli;

import io.himoe.server.config.ConfigException;
import io.himoe.shared.MoeError;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code himoe} command line: the root command and its subcommands. */
@Command(
    name = "himoe",
    mixinStandardHelpOptions = true,
    versionProvider = VersionCommand.Provider.class,
    description =
        "Hi-MoE: a hierarchical mixture of experts. Run a command with --help for details.",
    footer = {
      "",
      "Commands the ./himoe launcher runs on their own class path (not in the jar):",
      "  cl        Continual-learning bench of himoe-branches (DJL + PyTorch):",
      "              ./himoe cl run --help",
      "  quantum   Simulated quantum gate against the classical gate:",
      "              ./himoe quantum --help",
      "  tune      Fine-tune an ONNX sentence encoder: ./himoe tune --help",
      "  --with branches  Adds himoe-branches to serve, ask and route (the",
      "              'branched' expert kind): ./himoe serve --with branches",
      "  --with models    Adds the sentence models the jar leaves out (bge-small,",
      "              minilm-full, bge-small-q, e5-small-q), anywhere on the line:",
      "              ./himoe --with models eval routes --encoder bge-small ..."
    },
    subcommands = {
      DemoCommand.class,
      AskCommand.class,
      RouteCommand.class,
      ServeCommand.class,
      FeedbackCommand.class,
      ExpertsCommand.class,
      EvalCommand.class,
      LearnCommand.class,
      VersionCommand.class
    })
public final class Cli implements Runnable {

  /** Commands the launcher runs itself, on their module's class path. */
  static final java.util.Set<String> LAUNCHER_COMMANDS = java.util.Set.of("cl", "quantum", "tune");

  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> env;

  @Spec CommandSpec spec;

  private Cli(PrintStream out, PrintStream err, Map<String, String> env) {
    this.out = out;
    this.err = err;
    this.env = Map.copyOf(env);
  }

  /**
   * Runs one command line.
   *
   * @param args the arguments
   * @param out standard output
   * @param err standard error
   * @param env environment variables
   * @return the exit code (see {@link ExitCodes})
   */
  public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
    CommandLine cl = new CommandLine(new Cli(out, err, env));
    // Delegating commands hand every argument, options included, to their module in order.
    CommandLine eval =
        Objects.requireNonNull(
            cl.getSubcommands().get("eval"), "the eval subcommand is registered");
    eval.setUnmatchedOptionsArePositionalParams(true);
    eval.setStopAtPositional(true);
    cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    cl.setParameterExceptionHandler(
        (ex, args1) -> {
          if (args1.length > 0 && LAUNCHER_COMMANDS.contains(args1[0])) {
            err.println(
                "himoe: '"
                    + args1[0]
                    + "' runs through the ./himoe launcher on its own class path: ./himoe "
                    + args1[0]
                    + " --help");
            return ExitCodes.USAGE;
          }
          String cmd = ex.getCommandLine().getCommandSpec().qualifiedName();
          err.println("himoe: " + ex.getMessage() + " (see '" + cmd + " --help')");
          return ExitCodes.USAGE;
        });
    cl.setExecutionExceptionHandler(
        (ex, cmdLine, parsed) -> {
          switch (ex) {
            case CliFailure f -> {
              err.println("himoe: " + f.getMessage());
              return f.exitCode();
            }
            case ConfigException c -> {
              err.println("himoe: " + c.getMessage());
              return ExitCodes.CONFIG;
            }
            case MoeError m -> {
              err.println("himoe: " + m.code() + ": " + m.getMessage());
              return m instanceof MoeError.InvalidInput ? ExitCodes.USAGE : ExitCodes.FAILED;
            }
            default -> {
              err.println(
                  "himoe: "
                      + ex.getClass().getSimpleName()
                      + (ex.getMessage() == null ? "" : ": " + ex.getMessage()));
              return ExitCodes.FAILED;
            }
          }
        });
    return cl.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(out);
  }

  PrintStream out() {
    return out;
  }

  PrintStream err() {
    return err;
  }

  Map<String, String> env() {
    return env;
  }
}
