package io.himoe.server.http;

import io.himoe.engine.Answer;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.telemetry.Tracing;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.InstantSource;
import java.util.List;

/** {@code POST /v1/chat/completions}: OpenAI-compatible chat, whole or streamed. */
final class ChatHandler {

  private static final String SPAN = "POST /v1/chat/completions";

  private final Assembly assembly;
  private final JsonBodies bodies;
  private final Conversations conversations;
  private final Tracing tracing;
  private final InstantSource clock;

  ChatHandler(
      Assembly assembly,
      JsonBodies bodies,
      Conversations conversations,
      Tracing tracing,
      InstantSource clock) {
    this.assembly = assembly;
    this.bodies = bodies;
    this.conversations = conversations;
    this.tracing = tracing;
    this.clock = clock;
  }

  void handle(Context ctx) throws IOException {
    ChatRequest req = bodies.read(ctx, ChatRequest.class);
    String model = req.model() == null ? Assembly.AUTO_MODEL : req.model();
    InputData.Conversation input = conversations.from(req.messages(), ChatParams.from(req));
    String text = input.toText();
    String tid = RequestContexts.traceId(ctx);
    io.himoe.shared.Context mctx = RequestContexts.of(assembly, tid, model);
    long created = clock.millis() / 1000;
    String id = "chatcmpl-" + tid;
    if (req.streams()) {
      stream(ctx, input, mctx, id, created, model);
      return;
    }
    Answer a = tracing.request(SPAN, tid, () -> assembly.engine().ask(input, mctx));
    String content = a.value().render();
    ChatCompletion out =
        new ChatCompletion(
            id,
            "chat.completion",
            created,
            a.trace().routerId(),
            List.of(
                new ChatCompletion.Choice(
                    0, new ChatCompletion.Message("assistant", content, List.of()), "stop")),
            ChatCompletion.Usage.of(words(text), words(content)),
            tid,
            ChatCompletion.Summary.of(a));
    Responses.json(ctx, 200, out);
  }

  /**
   * SSE chat. When the router calls a single streaming expert (an {@code llm} expert), its tokens
   * are sent as they come; otherwise the engine answers whole and the answer is sent word by word.
   * A failure before the first chunk is an ordinary JSON error; after it, an error event.
   */
  private void stream(
      Context ctx,
      InputData input,
      io.himoe.shared.Context mctx,
      String id,
      long created,
      String model)
      throws IOException {
    SseWriter sse = new SseWriter(ctx, id, created, model, mctx.traceId());
    Answer a;
    try {
      a =
          tracing.request(
              SPAN,
              mctx.traceId(),
              () -> assembly.engine().ask(input, mctx.withTokens(sse::token)));
    } catch (MoeError e) {
      if (!sse.started()) {
        throw e;
      }
      sse.fail(e.code(), e.getMessage());
      return;
    }
    sse.finish(a.value().render(), ChatCompletion.Summary.of(a));
  }

  private static int words(String s) {
    String t = s.strip();
    return t.isEmpty() ? 0 : t.split("\\s+").length;
  }
}
