package io.himoe.server.store;

/** The feedback store could not be opened, written or read. */
public final class StoreException extends RuntimeException {

  /**
   * @param message what failed
   * @param cause the underlying error
   */
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
