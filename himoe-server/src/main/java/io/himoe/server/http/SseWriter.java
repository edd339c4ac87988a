package io.himoe.server.http;

import io.himoe.shared.ToolCall;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One OpenAI-style chat stream ({@code chat.completion.chunk} events, then {@code [DONE]}), written
 * to the servlet's own output stream and flushed after every event, so each chunk leaves as one
 * HTTP chunk the moment it exists (Javalin's compressing stream would hold them back). Tokens may
 * arrive on an expert's thread while the request thread waits for the answer, so every write holds
 * this writer's lock, and nothing is written once the stream is finished.
 */
final class SseWriter {

  private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

  private final Context ctx;
  private final String id;
  private final long created;
  private final Supplier<String> model;
  private final String traceId;
  private final boolean includeUsage;
  private final StringBuilder streamed = new StringBuilder();
  // Both set when the stream begins.
  private @Nullable String modelName;
  private int tokens;
  private @Nullable OutputStream os;
  private boolean closed;
  private Runnable firstToken = () -> {};

  /**
   * @param ctx the request
   * @param id the completion id
   * @param created seconds since the epoch
   * @param model the router that answers, read when the first chunk is sent (the orchestrator has
   *     chosen it by then)
   * @param traceId the decision's trace id
   * @param includeUsage whether a last chunk carries the usage ({@code stream_options})
   */
  SseWriter(
      Context ctx,
      String id,
      long created,
      Supplier<String> model,
      String traceId,
      boolean includeUsage) {
    this.ctx = ctx;
    this.id = id;
    this.created = created;
    this.model = model;
    this.traceId = traceId;
    this.includeUsage = includeUsage;
  }

  /**
   * @return whether the stream has begun (headers and the first chunk are sent)
   */
  synchronized boolean started() {
    return os != null;
  }

  /**
   * @return how many chunks came live from a streaming expert
   */
  synchronized int streamedTokens() {
    return tokens;
  }

  /**
   * @param action run once, when the first content chunk is sent (time to first token)
   */
  synchronized void onFirstToken(Runnable action) {
    this.firstToken = action;
  }

  private void firstTokenSent() {
    Runnable r = firstToken;
    firstToken = () -> {};
    r.run();
  }

  /** Sends one token as it comes from a streaming expert. */
  synchronized void token(String token) {
    if (closed || token.isEmpty()) {
      return;
    }
    try {
      begin();
      firstTokenSent();
      streamed.append(token);
      tokens++;
      send(chunk(ChatChunk.Delta.text(token), null, null, null));
    } catch (IOException e) {
      // The client went away: throwing aborts the expert's stream.
      closed = true;
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Ends the stream. When nothing was streamed (several experts, or one that does not stream), the
   * answer is sent word by word; when the final answer differs from what was streamed (a later
   * stage replaced it), the last chunk carries it in {@code himoe.answer}. Tool calls go in one
   * delta, then the finish reason, then the usage when asked for.
   *
   * @param result the reply's content and accounting
   * @param summary the decision in short
   */
  synchronized void finish(ChatResult result, ChatCompletion.Summary summary) throws IOException {
    if (closed) {
      return;
    }
    modelName = result.router();
    begin();
    String answer = result.content() == null ? "" : result.content();
    @Nullable String replaced = null;
    if (streamed.isEmpty()) {
      firstTokenSent();
      for (String piece : answer.split("(?<=\\s)")) {
        if (!piece.isEmpty()) {
          send(chunk(ChatChunk.Delta.text(piece), null, null, null));
        }
      }
    } else if (!streamed.toString().equals(answer)) {
      replaced = answer;
    }
    if (!result.toolCalls().isEmpty()) {
      List<ChatChunk.ToolCallDelta> calls = new ArrayList<>();
      for (int i = 0; i < result.toolCalls().size(); i++) {
        ToolCall c = result.toolCalls().get(i);
        calls.add(
            new ChatChunk.ToolCallDelta(
                i, c.id(), "function", new ChatRequest.FunctionCall(c.name(), c.arguments())));
      }
      send(chunk(new ChatChunk.Delta(null, null, calls), null, null, null));
    }
    send(
        chunk(
            ChatChunk.Delta.empty(),
            result.finishReason(),
            null,
            summary.streamed(replaced, tokens)));
    if (includeUsage) {
      send(
          new ChatChunk(
              id,
              "chat.completion.chunk",
              created,
              modelName,
              List.of(),
              ChatCompletion.Usage.of(result.promptTokens(), result.completionTokens()),
              traceId,
              null));
    }
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
    if (modelName == null) {
      modelName = model.get();
    }
    ctx.status(200);
    ctx.contentType("text/event-stream; charset=utf-8");
    ctx.header("Cache-Control", "no-cache");
    ctx.header("X-Accel-Buffering", "no");
    // The servlet's stream, not ctx.outputStream(): Javalin's may compress and buffer.
    os = ctx.res().getOutputStream();
    // Not flushed alone: it leaves with the first content chunk (one write on the socket and one
    // wake-up of the client for the headers, the role and the first token).
    write(chunk(ChatChunk.Delta.first(), null, null, null));
  }

  private void done() throws IOException {
    OutputStream out = stream();
    out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    out.flush();
    closed = true;
  }

  private ChatChunk chunk(
      ChatChunk.Delta delta,
      @Nullable String finish,
      ChatCompletion.@Nullable Usage usage,
      ChatCompletion.@Nullable Summary summary) {
    return new ChatChunk(
        id,
        "chat.completion.chunk",
        created,
        // Every chunk is sent after begin() named the model.
        Objects.requireNonNull(modelName, "the model is named when the stream begins"),
        List.of(new ChatChunk.Choice(0, delta, finish)),
        usage,
        traceId,
        summary);
  }

  /** The response stream; only written to once {@link #begin()} has opened it. */
  private OutputStream stream() {
    return Objects.requireNonNull(os, "the stream has begun");
  }

  private void send(Object data) throws IOException {
    write(data);
    stream().flush();
  }

  private void write(Object data) throws IOException {
    OutputStream out = stream();
    out.write(DATA);
    out.write(JsonBodies.MAPPER.writeValueAsBytes(data));
    out.write(END);
  }
}
