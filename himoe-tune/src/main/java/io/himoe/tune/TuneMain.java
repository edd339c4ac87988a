package io.himoe.tune;

import io.himoe.eval.data.DataError;
import io.himoe.tune.onnx.OnnxException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * Entry point of {@code himoe tune} (run by the {@code ./himoe} launcher on this module's own class
 * path, so the server jar carries no PyTorch). Progress goes to stderr; the last stdout line is one
 * JSON object. Exit codes: 0 success, 1 the run failed, 2 bad command line or input.
 */
public final class TuneMain {

  /** Success. */
  public static final int OK = 0;

  /** The run failed for a reason other than its input. */
  public static final int FAILED = 1;

  /** Bad command line or input. */
  public static final int BAD_INPUT = 2;

  private TuneMain() {}

  /**
   * @param args the arguments after {@code himoe tune}
   * @param out where the JSON result goes
   * @param err where progress and errors go
   * @return the exit code
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return new CommandLine(new TuneCommand(out, err, System::nanoTime))
        .setOut(new PrintWriter(out, true, StandardCharsets.UTF_8))
        .setErr(new PrintWriter(err, true, StandardCharsets.UTF_8))
        .setExecutionExceptionHandler(
            (e, line, parsed) -> {
              if (e instanceof DataError
                  || e instanceof IllegalArgumentException
                  || e instanceof OnnxException) {
                err.println("himoe tune: " + e.getMessage());
                return BAD_INPUT;
              }
              err.println("himoe tune: failed: " + e);
              return FAILED;
            })
        .execute(args);
  }

  /**
   * @param args the arguments
   */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }
}
