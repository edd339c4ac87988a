package io.himoe.server.cli;

/** A command failed in a way the user can act on; the CLI prints the message as one line. */
final class CliFailure extends RuntimeException {

  private final int exitCode;

  CliFailure(String message, int exitCode) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
