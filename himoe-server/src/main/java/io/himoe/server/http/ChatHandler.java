package io.himoe.server.http;

import io.himoe.engine.Answer;
import io.himoe.experts.llm.TokenCounter;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.loop.Experiments;
import io.himoe.server.metrics.GatewayMetrics;
import io.himoe.server.telemetry.Tracing;
import io.himoe.shared.ContentPart;
import io.himoe.shared.InputData;
import io.himoe.shared.Message;
import io.himoe.shared.MoeError;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;

/**
 * {@code POST /v1/chat/completions}: OpenAI-compatible chat, whole or streamed. The request becomes
 * a conversation with its parameters; a client that leaves cancels the request's work.
 */
final class ChatHandler {

  private static final String SPAN = "POST /v1/chat/completions";
  private static final String ENGINE_CONTEXT = "himoe.engine-context";

  private final Assembly assembly;
  private final JsonBodies bodies;
  private final Conversations conversations;
  private final ApiKeys keys;
  private final Quotas quotas;
  private final ChatSessions sessions;
  private final TraceLog traces;
  private final TokenCounter tokens;
  private final Tracing tracing;
  private final InstantSource clock;
  private final boolean dropUnknown;
  private final GatewayMetrics metrics;

  ChatHandler(
      Assembly assembly,
      JsonBodies bodies,
      Conversations conversations,
      ApiKeys keys,
      Quotas quotas,
      ChatSessions sessions,
      TraceLog traces,
      TokenCounter tokens,
      Tracing tracing,
      InstantSource clock,
      boolean dropUnknown,
      GatewayMetrics metrics) {
    this.metrics = metrics;
    this.keys = keys;
    this.quotas = quotas;
    this.sessions = sessions;
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
    Quotas.Ticket ticket;
    try {
      ticket = quotas.admit(ctx, caller);
    } catch (ApiError e) {
      metrics.key(caller.label(), "rate_limited", 0);
      throw e;
    }
    try {
      serve(ctx, caller, ticket);
    } catch (MoeError e) {
      // Counted here, not by the engine listener: the edge knows the router that handled it.
      metrics.failed(routerOf(ctx), e.code());
      metrics.key(caller.label(), e.code(), 0);
      throw e;
    }
  }

  private String routerOf(Context ctx) {
    io.himoe.shared.Context mctx = ctx.attribute(ENGINE_CONTEXT);
    return mctx == null ? "none" : assembly.chosenRouter(mctx).orElse("none");
  }

  private void serve(Context ctx, Caller caller, Quotas.Ticket admitted) throws IOException {
    ChatRequest req = bodies.readChat(ctx, dropUnknown);
    InputData.Conversation asked = conversations.from(req.messages(), ChatParams.from(req));
    String model = req.model() == null ? Assembly.AUTO_MODEL : req.model();
    String tid = RequestContexts.traceId(ctx);
    io.himoe.shared.Context limited =
        RequestContexts.withClientLimits(
            RequestContexts.of(assembly, tid, model), ctx, req.himoe(), clock);
    Quotas.Held held = quotas.hold(ctx, admitted, limited, asked, model);
    Quotas.Ticket ticket = held.ticket();
    InputData.Conversation input = held.input();
    io.himoe.shared.Context mctx = ticket.capped(limited);
    try {
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
      ctx.attribute(ENGINE_CONTEXT, mctx);
      Optional<ChatSessions.Begun> session = sessions.begin(ctx, req, input, caller, mctx);
      String sessionId = ctx.header("X-Session-Id");
      if (sessionId == null && req.himoe() != null) {
        sessionId = req.himoe().sessionId();
      }
      if (sessionId != null) {
        // An experiment with unit: session keeps the session in one arm.
        mctx.memory().put(Experiments.SESSION_KEY, sessionId);
      }
      long created = clock.millis() / 1000;
      String id = "chatcmpl-" + tid;
      DisconnectWatch watch = DisconnectWatch.start(ctx, () -> mctx.cancel().cancel());
      try {
        if (req.streams()) {
          stream(ctx, req, input, mctx, id, created, ticket, session);
          metrics.key(caller.label(), "ok", 0);
          return;
        }
        Answer a = tracing.request(SPAN, tid, () -> assembly.engine().ask(input, mctx));
        ChatResult r = ChatResult.of(a, input, tokens, ticket.promptTokens());
        quotas.settle(ticket, r.totalTokens(), a.trace().costUnits());
        metrics.key(caller.label(), "ok", r.totalTokens());
        ChatCompletion.Summary summary = summary(a, r, session);
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
                summary));
      } finally {
        watch.close();
      }
    } finally {
      // A request that failed or was cancelled counts what it spent (and gives back the rest of
      // what was held for it); one that answered was counted already.
      quotas.settleUnfinished(ticket, mctx);
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
      long created,
      Quotas.Ticket ticket,
      Optional<ChatSessions.Begun> session)
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
    long start =
        ctx.attribute("himoe.start") == null
            ? System.nanoTime()
            : ctx.<Long>attribute("himoe.start");
    sse.onFirstToken(
        () ->
            metrics.firstToken(
                assembly.chosenRouter(mctx).orElse(Assembly.AUTO_MODEL),
                java.time.Duration.ofNanos(System.nanoTime() - start)));
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
      metrics.failed(assembly.chosenRouter(mctx).orElse("none"), e.code());
      sse.fail(e.code(), e.getMessage());
      return;
    }
    ChatResult r = ChatResult.of(a, input, tokens, ticket.promptTokens());
    quotas.settle(ticket, r.totalTokens(), a.trace().costUnits());
    sse.finish(r, summary(a, r, session));
  }

  /** The decision in short, and where the session's turn went (recorded for the next turn). */
  private ChatCompletion.Summary summary(
      Answer a, ChatResult r, Optional<ChatSessions.Begun> session) {
    ChatCompletion.Summary s = ChatCompletion.Summary.of(a, r);
    if (session.isEmpty()) {
      return s;
    }
    Message reply =
        new Message(
            Message.Role.ASSISTANT,
            r.content() == null ? List.of() : List.of(new ContentPart.Text(r.content())),
            Optional.empty(),
            Optional.empty(),
            r.toolCalls());
    ChatSessions.Note note = sessions.end(session.get(), a, reply);
    traces.noteSession(a.traceId(), note);
    return s.withSession(note);
  }

  private static List<ChatRequest.ToolCall> toolCalls(ChatResult r) {
    if (r.toolCalls().isEmpty()) {
      return List.of();
    }
    return r.toolCalls().stream()
        .map(
            c ->
                new ChatRequest.ToolCall(
                    c.id(), "function", new ChatRequest.FunctionCall(c.name(), c.arguments())))
        .toList();
  }
}
