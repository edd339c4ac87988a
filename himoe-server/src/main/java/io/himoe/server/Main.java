package io.himoe.server;

import io.himoe.server.cli.Cli;

/** Entry point of the {@code himoe} command and of {@code himoe.jar}. */
public final class Main {

  // Held strongly: java.util.logging forgets the level of a logger nobody references.
  private static final java.util.logging.Logger LUCENE_VECTORIZATION =
      java.util.logging.Logger.getLogger("org.apache.lucene.internal.vectorization");

  private Main() {}

  /**
   * Runs the command line and exits with its code.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    // Lucene suggests the incubating Vector API at start-up; it is optional, and the advice is not
    // for the user of a CLI.
    LUCENE_VECTORIZATION.setLevel(java.util.logging.Level.SEVERE);
    System.exit(Cli.run(args, System.out, System.err, System.getenv()));
  }
}
