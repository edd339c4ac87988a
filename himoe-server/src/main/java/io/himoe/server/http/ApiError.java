package io.himoe.server.http;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A request the API refuses: an HTTP status, a stable code, the parameter at fault (if any) and a
 * message naming the problem. Rendered by {@link ErrorMapper} in the OpenAI error shape.
 */
final class ApiError extends RuntimeException {

  private final int status;
  private final String code;
  private final @Nullable String param;

  ApiError(int status, String code, String message) {
    this(status, code, null, message);
  }

  ApiError(int status, String code, @Nullable String param, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.param = param;
  }

  /**
   * @return the message; never null, since every API error is made with one
   */
  @Override
  public String getMessage() {
    return Objects.requireNonNull(super.getMessage(), "message");
  }

  /**
   * @param t a failure
   * @return its message, or its type's name when it has none
   */
  static String messageOf(Throwable t) {
    String m = t.getMessage();
    return m != null ? m : t.getClass().getSimpleName();
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }

  /**
   * @return the request field at fault (e.g. {@code messages[2].content}), or null
   */
  @Nullable String param() {
    return param;
  }

  /** A 400 whose message starts with the field at fault, e.g. {@code "reward: expected ..."}. */
  static ApiError invalid(String param, String problem) {
    return new ApiError(400, "invalid_request", param, param + ": " + problem);
  }

  static ApiError badRequest(String message) {
    return new ApiError(400, "invalid_request", message);
  }

  static ApiError notFound(String code, String message) {
    return new ApiError(404, code, message);
  }
}
