package io.himoe.learning.state;

import org.jspecify.annotations.Nullable;

/**
 * A snapshot could not be read or written; the message names the file and the problem. The previous
 * snapshot, if any, is left untouched.
 */
public final class SnapshotException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what went wrong, naming the file
   * @param cause the underlying error, may be null
   */
  public SnapshotException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
