package io.himoe.server.http;

import io.himoe.engine.Answer;
import io.himoe.experts.llm.TokenCounter;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.telemetry.Tracing;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.InstantSource;
import java.util.List;

/**
 * {@code POST /v1/chat/completions}: OpenAI-compatible chat, whole or streamed. The request becomes
 * a conversation with its parameters; a client that leaves cancels the request's work.
 */
final class ChatHandler {

  private static final String SPAN = "POST /v1/chat/completions";

  private final Assembly assembly;
  private final JsonBodies bodies;
  private final Conversations conversations;
  private final ApiKeys keys;
  private final TraceLog traces;
  private final TokenCounter tokens;
  private final Tracing tracing;
  private final InstantSource clock;
  private final boolean dropUnknown;

  ChatHandler(
      Assembly assembly,
      JsonBodies bodies,
      Conversations conversations,
      ApiKeys keys,
      TraceLog traces,
      TokenCounter tokens,
      Tracing tracing,
      InstantSource clock,
      boolean dropUnknown) {
    this.keys = keys;
    this.traces = traces;
    this.assembly = assembly;
    this.bodies = bodies;
    this.conversations = conversations;
    this.tokens = tokens;
    this.tracing = tracing;
    this.clock = clock;
    this.dropUnknown = dropUnknown;
  }

  void handle(Context ctx) throws IOException {
    Caller caller = keys.check(ctx, ApiKeys.Route.CHAT);
    ChatRequest req = bodies.read(ctx, ChatRequest.class, dropUnknown);
    InputData.Conversation input = conversations.from(req.messages(), ChatParams.from(req));
    String model = req.model() == null ? Assembly.AUTO_MODEL : req.model();
    String tid = RequestContexts.traceId(ctx);
    io.himoe.shared.Context mctx =
        RequestContexts.withClientLimits(
            RequestContexts.of(assembly, tid, model), ctx, req.himoe(), clock);
    traces.claim(
        tid,
        new TraceLog.Claim(
            caller.alias(), java.util.Optional.ofNullable(ctx.attribute(Edge.CORRELATION))));
    if (input.params().usesTools() && !assembly.callsTools(model)) {
      throw ApiError.invalid(
          "tools",
          "no expert behind model '"
              + model
              + "' calls tools (an llm expert needs options.tools: true)");
    }
    long created = clock.millis() / 1000;
    String id = "chatcmpl-" + tid;
    DisconnectWatch watch = DisconnectWatch.start(ctx, () -> mctx.cancel().cancel());
    try {
      if (req.streams()) {
        stream(ctx, req, input, mctx, id, created);
        return;
      }
      Answer a = tracing.request(SPAN, tid, () -> assembly.engine().ask(input, mctx));
      ChatResult r = ChatResult.of(a, input, tokens);
      Responses.json(
          ctx,
          200,
          new ChatCompletion(
              id,
              "chat.completion",
              created,
              r.router(),
              List.of(
                  new ChatCompletion.Choice(
                      0,
                      new ChatCompletion.Message("assistant", r.content(), toolCalls(r)),
                      r.finishReason(),
                      r.logprobs().orElse(null))),
              ChatCompletion.Usage.of(r.promptTokens(), r.completionTokens()),
              tid,
              ChatCompletion.Summary.of(a, r)));
    } finally {
      watch.close();
    }
  }

  /**
   * SSE chat. When the router calls a single streaming expert (an {@code llm} expert), its tokens
   * are sent as they come; otherwise the engine answers whole and the answer is sent word by word.
   * A failure before the first chunk is an ordinary JSON error; after it, an error event.
   */
  private void stream(
      Context ctx,
      ChatRequest req,
      InputData input,
      io.himoe.shared.Context mctx,
      String id,
      long created)
      throws IOException {
    boolean usage =
        req.streamOptions() != null && Boolean.TRUE.equals(req.streamOptions().includeUsage());
    SseWriter sse =
        new SseWriter(
            ctx,
            id,
            created,
            () -> assembly.chosenRouter(mctx).orElse(Assembly.AUTO_MODEL),
            mctx.traceId(),
            usage);
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
    ChatResult r = ChatResult.of(a, input, tokens);
    sse.finish(r, ChatCompletion.Summary.of(a, r));
  }

  private static List<ChatRequest.ToolCall> toolCalls(ChatResult r) {
    return r.toolCalls().stream()
        .map(
            c ->
                new ChatRequest.ToolCall(
                    c.id(), "function", new ChatRequest.FunctionCall(c.name(), c.arguments())))
        .toList();
  }
}
