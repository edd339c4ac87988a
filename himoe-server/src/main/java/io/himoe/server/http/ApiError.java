package io.himoe.server.http;

/** A request the API refuses: an HTTP status, a stable code and a message naming the problem. */
final class ApiError extends RuntimeException {

  private final int status;
  private final String code;

  ApiError(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }

  static ApiError badRequest(String message) {
    return new ApiError(400, "invalid_request", message);
  }

  static ApiError notFound(String code, String message) {
    return new ApiError(404, code, message);
  }
}
