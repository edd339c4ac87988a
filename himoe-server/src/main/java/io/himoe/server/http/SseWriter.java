package io.himoe.server.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One OpenAI-style chat stream ({@code chat.completion.chunk} events, then {@code [DONE]}). Tokens
 * may arrive on an expert's thread while the request thread waits for the answer, so every write
 * holds this writer's lock, and nothing is written once the stream is finished.
 */
final class SseWriter {

  private final Context ctx;
  private final String id;
  private final long created;
  private final String model;
  private final String traceId;
  private final StringBuilder streamed = new StringBuilder();
  private int tokens;
  private OutputStream os;
  private boolean closed;

  SseWriter(Context ctx, String id, long created, String model, String traceId) {
    this.ctx = ctx;
    this.id = id;
    this.created = created;
    this.model = model;
    this.traceId = traceId;
  }

  /**
   * @return whether the stream has begun (headers and the first chunk are sent)
   */
  synchronized boolean started() {
    return os != null;
  }

  /** Sends one token as it comes from a streaming expert. */
  synchronized void token(String token) {
    if (closed || token.isEmpty()) {
      return;
    }
    try {
      begin();
      streamed.append(token);
      tokens++;
      send(chunk(ChatChunk.Delta.text(token), null, null));
    } catch (IOException e) {
      // The client went away: throwing aborts the expert's stream.
      closed = true;
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Ends the stream. When nothing was streamed (several experts, or one that does not stream), the
   * answer is sent word by word; when the final answer differs from what was streamed (a later
   * stage replaced it), the last chunk carries it in {@code himoe.answer}.
   */
  synchronized void finish(String answer, ChatCompletion.Summary summary) throws IOException {
    if (closed) {
      return;
    }
    begin();
    String replaced = null;
    if (streamed.isEmpty()) {
      for (String piece : answer.split("(?<=\\s)")) {
        if (!piece.isEmpty()) {
          send(chunk(ChatChunk.Delta.text(piece), null, null));
        }
      }
    } else if (!streamed.toString().equals(answer)) {
      replaced = answer;
    }
    // How many chunks came live from a streaming expert (0: the answer was sent after the fact).
    send(chunk(ChatChunk.Delta.empty(), "stop", summary.streamed(replaced, tokens)));
    done();
  }

  /** Ends a stream that failed after it began: an error event, then {@code [DONE]}. */
  synchronized void fail(String code, String message) throws IOException {
    if (closed) {
      return;
    }
    send(
        new ErrorMapper.ErrorBody(
            new ErrorMapper.Detail(message, "server_error", null, code, traceId)));
    done();
  }

  private void begin() throws IOException {
    if (os != null) {
      return;
    }
    ctx.status(200);
    ctx.contentType("text/event-stream; charset=utf-8");
    ctx.header("Cache-Control", "no-cache");
    ctx.header("X-Accel-Buffering", "no");
    os = ctx.outputStream();
    send(chunk(ChatChunk.Delta.first(), null, null));
  }

  private void done() throws IOException {
    os.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    os.flush();
    closed = true;
  }

  private ChatChunk chunk(ChatChunk.Delta delta, String finish, ChatCompletion.Summary summary) {
    return new ChatChunk(
        id,
        "chat.completion.chunk",
        created,
        model,
        List.of(new ChatChunk.Choice(0, delta, finish)),
        null,
        traceId,
        summary);
  }

  private void send(Object data) throws IOException {
    os.write(
        ("data: " + JsonBodies.MAPPER.writeValueAsString(data) + "\n\n")
            .getBytes(StandardCharsets.UTF_8));
    os.flush();
  }
}
