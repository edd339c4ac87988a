package io.himoe.eval;

import io.himoe.eval.data.DataError;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.function.LongSupplier;
import picocli.CommandLine;

/**
 * Entry point of {@code himoe eval}: {@code routes} measures a router fitted on labelled data,
 * {@code outcomes} measures a learned model choice on per-model outcome data, {@code embed} writes
 * a data file's encoded text to a vector file. Progress goes to stderr; the last stdout line is one
 * JSON object with the results. Exit codes: 0 success, 1 the evaluation failed, 2 bad command line
 * or bad input (the message names the file, line and field).
 */
public final class EvalMain {

  /** Success. */
  public static final int OK = 0;

  /** The evaluation failed for a reason other than its input. */
  public static final int FAILED = 1;

  /** Bad command line or bad input data. */
  public static final int BAD_INPUT = 2;

  private EvalMain() {}

  /**
   * Runs {@code himoe eval} with its arguments.
   *
   * @param args what follows {@code himoe eval}, e.g. {@code routes --train ...}
   * @param out where the JSON result goes
   * @param err where progress and errors go
   * @return the exit code ({@link #OK}, {@link #FAILED} or {@link #BAD_INPUT})
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, out, err, System::nanoTime);
  }

  /**
   * As {@link #run(String[], PrintStream, PrintStream)} with an injected nanosecond clock.
   *
   * @param args the arguments
   * @param out where the JSON result goes
   * @param err where progress and errors go
   * @param ticker the clock that times training and routing, in nanoseconds
   * @return the exit code
   */
  static int run(String[] args, PrintStream out, PrintStream err, LongSupplier ticker) {
    // Charts are drawn off-screen; no display is needed or wanted.
    System.setProperty("java.awt.headless", "true");
    CommandLine cli =
        new CommandLine(new EvalCommand())
            .addSubcommand(new RoutesCommand(out, err, ticker))
            .addSubcommand(new OutcomesCommand(out, err, ticker))
            .addSubcommand(new EmbedCommand(out, err, ticker))
            .setOut(new PrintWriter(out, true, StandardCharsets.UTF_8))
            .setErr(new PrintWriter(err, true, StandardCharsets.UTF_8))
            .setExecutionExceptionHandler(
                (e, line, parsed) -> {
                  if (e instanceof DataError || e instanceof IllegalArgumentException) {
                    err.println("himoe eval: " + e.getMessage());
                    return BAD_INPUT;
                  }
                  err.println("himoe eval: failed: " + e);
                  return FAILED;
                });
    return cli.execute(args);
  }

  /**
   * Command-line use outside the server jar.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }
}
