package io.himoe.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * One OpenAI-style chat stream ({@code chat.completion.chunk} events, then {@code [DONE]}). Tokens
 * may arrive on an expert's thread while the request thread waits for the answer, so every write
 * holds this writer's lock, and nothing is written once the stream is finished.
 */
final class SseWriter {

  private static final ObjectMapper MAPPER = new ObjectMapper();

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
      send(chunk(MAPPER.createObjectNode().put("content", token), null));
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
  synchronized void finish(String answer, ObjectNode himoe) throws IOException {
    if (closed) {
      return;
    }
    begin();
    if (streamed.isEmpty()) {
      for (String piece : answer.split("(?<=\\s)")) {
        if (!piece.isEmpty()) {
          send(chunk(MAPPER.createObjectNode().put("content", piece), null));
        }
      }
    } else if (!streamed.toString().equals(answer)) {
      ((ObjectNode) himoe.get("himoe")).put("answer", answer);
    }
    // How many chunks came live from a streaming expert (0: the answer was sent after the fact).
    ((ObjectNode) himoe.get("himoe")).put("streamed_tokens", tokens);
    ObjectNode last = chunk(MAPPER.createObjectNode(), "stop");
    last.set("himoe", himoe.get("himoe"));
    send(last);
    done();
  }

  /** Ends a stream that failed after it began: an error event, then {@code [DONE]}. */
  synchronized void fail(String code, String message) throws IOException {
    if (closed) {
      return;
    }
    ObjectNode err = MAPPER.createObjectNode();
    ObjectNode e = err.putObject("error");
    e.put("code", code);
    e.put("message", message);
    e.put("trace_id", traceId);
    send(err);
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
    send(chunk(MAPPER.createObjectNode().put("role", "assistant"), null));
  }

  private void done() throws IOException {
    os.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    os.flush();
    closed = true;
  }

  private ObjectNode chunk(ObjectNode delta, String finish) {
    ObjectNode c = MAPPER.createObjectNode();
    c.put("id", id);
    c.put("object", "chat.completion.chunk");
    c.put("created", created);
    c.put("model", model);
    c.put("trace_id", traceId);
    ObjectNode choice = c.putArray("choices").addObject();
    choice.put("index", 0);
    choice.set("delta", delta);
    if (finish == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finish);
    }
    return c;
  }

  private void send(JsonNode data) throws IOException {
    os.write(
        ("data: " + MAPPER.writeValueAsString(data) + "\n\n").getBytes(StandardCharsets.UTF_8));
    os.flush();
  }
}
