package io.himoe.server.cli;

/** The CLI's exit codes. */
public final class ExitCodes {

  /** Success. */
  public static final int OK = 0;

  /** The request failed (no expert answered, deadline, server error or unreachable server). */
  public static final int FAILED = 1;

  /** Bad command line or bad input. */
  public static final int USAGE = 2;

  /** The configuration was refused. */
  public static final int CONFIG = 3;

  private ExitCodes() {}
}
