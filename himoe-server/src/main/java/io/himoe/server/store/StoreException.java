package io.himoe.server.store;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** The feedback store could not be opened, written or read. */
public final class StoreException extends RuntimeException {

  /**
   * @param message what failed
   * @param cause the underlying error, or {@code null}
   */
  public StoreException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  /**
   * @return what failed; never null, since every store error is made with a message
   */
  @Override
  public String getMessage() {
    return Objects.requireNonNull(super.getMessage(), "message");
  }
}
