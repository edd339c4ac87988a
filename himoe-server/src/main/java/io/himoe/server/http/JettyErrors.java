package io.himoe.server.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error responses (a malformed request line, headers over the limit, a bad URI, ...) as
 * JSON in the OpenAI error shape, like every other error of the API, instead of Jetty's HTML pages.
 */
final class JettyErrors extends ErrorHandler {

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback)
      throws IOException {
    byte[] body = body(code, message);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  static byte[] body(int status, String reason) {
    String code =
        switch (status) {
          case 400 -> "bad_request";
          case 413 -> "payload_too_large";
          case 414 -> "uri_too_long";
          case 431 -> "headers_too_large";
          default -> "http_" + status;
        };
    String message =
        switch (status) {
          case 431 -> "request headers are larger than the server accepts";
          case 414 -> "request URI is longer than the server accepts";
          case 413 -> "request body is larger than the server accepts";
          default ->
              "the HTTP request could not be read"
                  + (reason == null || reason.isBlank() ? "" : ": " + reason);
        };
    ErrorMapper.ErrorBody b =
        new ErrorMapper.ErrorBody(
            new ErrorMapper.Detail(message, ErrorMapper.typeOf(status), null, code, null));
    try {
      return JsonBodies.MAPPER.writeValueAsBytes(b);
    } catch (IOException e) {
      return ("{\"error\":{\"message\":\"HTTP " + status + "\"}}").getBytes(StandardCharsets.UTF_8);
    }
  }
}
