package io.himoe.server.http;

import io.javalin.http.Context;
import java.io.IOException;

/** Writes JSON response bodies with the API's mapper. */
final class Responses {

  private Responses() {}

  /**
   * @param ctx the request
   * @param status the HTTP status
   * @param body a record, map or JSON tree
   */
  static void json(Context ctx, int status, Object body) throws IOException {
    ctx.status(status);
    ctx.contentType("application/json");
    // A chat reply, the most frequent body, is written field by field (ChatCompletionJson).
    byte[] bytes =
        body instanceof ChatCompletion c
            ? ChatCompletionJson.bytes(c)
            : JsonBodies.MAPPER.writeValueAsBytes(body);
    // Written here, through Javalin's (compressing) output stream, rather than set as the result:
    // Javalin copies a result to the response through a new 32 KB buffer per request.
    ctx.outputStream().write(bytes);
  }
}
