package io.himoe.server;

import io.himoe.server.cli.Cli;

/** Entry point of the {@code himoe} command and of {@code himoe.jar}. */
public final class Main {

  private Main() {}

  /**
   * Runs the command line and exits with its code.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    System.exit(Cli.run(args, System.out, System.err, System.getenv()));
  }
}
