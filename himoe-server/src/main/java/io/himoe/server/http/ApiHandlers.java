package io.himoe.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.himoe.engine.Answer;
import io.himoe.engine.ExpertTrace;
import io.himoe.engine.Feedback;
import io.himoe.engine.RoutePreview;
import io.himoe.engine.StageTrace;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.assembly.ExpertKinds;
import io.himoe.server.config.HimoeConfig;
import io.himoe.server.metrics.DashboardState;
import io.himoe.server.store.FeedbackStore;
import io.himoe.server.telemetry.Tracing;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/** The HTTP handlers of {@link HimoeServer}. */
final class ApiHandlers {

  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .registerModule(new Jdk8Module())
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private static final Set<String> ASSETS = Set.of("app.js", "app.css");
  private static final Set<String> EXPERT_FIELDS =
      Set.of(
          "name",
          "kind",
          "endpoint",
          "models",
          "api_key_env",
          "keywords",
          "cost_per_call",
          "cost_per_1k_tokens",
          "max_instances",
          "timeout_ms",
          "options",
          "routers");

  private final Assembly assembly;
  private final FeedbackStore store;
  private final TraceLog traces;
  private final DashboardState dashboard;
  private final PrometheusMeterRegistry registry;
  private final Tracing tracing;
  private final InstantSource clock;
  private final long maxBody;
  private final List<byte[]> keys;
  private final boolean authEnabled;
  private final Map<String, String> env;
  private volatile boolean ready;

  ApiHandlers(
      Assembly assembly,
      FeedbackStore store,
      TraceLog traces,
      DashboardState dashboard,
      PrometheusMeterRegistry registry,
      Tracing tracing,
      InstantSource clock,
      long maxBody,
      Set<String> keys,
      boolean authEnabled,
      Map<String, String> env) {
    this.assembly = assembly;
    this.store = store;
    this.traces = traces;
    this.dashboard = dashboard;
    this.registry = registry;
    this.tracing = tracing;
    this.clock = clock;
    this.maxBody = maxBody;
    this.keys = keys.stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
    this.authEnabled = authEnabled;
    this.env = env;
  }

  long maxBody() {
    return maxBody;
  }

  void ready(boolean r) {
    this.ready = r;
  }

  // ---- OpenAI-compatible chat ----

  void chat(Context ctx) throws IOException {
    JsonNode body = body(ctx);
    String model = optText(body, "model").orElse(Assembly.AUTO_MODEL);
    String text = userText(body.get("messages"));
    boolean stream = optBool(body, "stream");
    String tid = traceId(ctx);
    io.himoe.shared.Context mctx = contextFor(tid, model);
    long created = clock.millis() / 1000;
    String id = "chatcmpl-" + tid;
    if (stream) {
      streamChat(ctx, text, mctx, id, created, model);
      return;
    }
    Answer a =
        tracing.request(
            "POST /v1/chat/completions",
            tid,
            () -> assembly.engine().ask(InputData.text(text), mctx));
    String content = a.value().render();
    ObjectNode out = MAPPER.createObjectNode();
    out.put("id", id);
    out.put("object", "chat.completion");
    out.put("created", created);
    out.put("model", a.trace().routerId());
    ObjectNode choice = out.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode msg = choice.putObject("message");
    msg.put("role", "assistant");
    msg.put("content", content);
    choice.put("finish_reason", "stop");
    ObjectNode usage = out.putObject("usage");
    int in = words(text);
    int outWords = words(content);
    usage.put("prompt_tokens", in);
    usage.put("completion_tokens", outWords);
    usage.put("total_tokens", in + outWords);
    out.put("trace_id", tid);
    out.set("himoe", summary(a));
    send(ctx, 200, out);
  }

  /**
   * SSE chat. When the router calls a single streaming expert (an {@code llm} expert), its tokens
   * are sent as they come; otherwise the engine answers whole and the answer is sent word by word.
   * A failure before the first chunk is an ordinary JSON error; after it, an error event.
   */
  private void streamChat(
      Context ctx, String text, io.himoe.shared.Context mctx, String id, long created, String model)
      throws IOException {
    SseWriter sse = new SseWriter(ctx, id, created, model, mctx.traceId());
    Answer a;
    try {
      a =
          tracing.request(
              "POST /v1/chat/completions",
              mctx.traceId(),
              () -> assembly.engine().ask(InputData.text(text), mctx.withTokens(sse::token)));
    } catch (MoeError e) {
      if (!sse.started()) {
        throw e;
      }
      sse.fail(e.code(), e.getMessage());
      return;
    }
    String content = a.value().render();
    ObjectNode last = MAPPER.createObjectNode();
    last.set("himoe", summary(a));
    sse.finish(content, last);
  }

  private static ObjectNode summary(Answer a) {
    ObjectNode h = MAPPER.createObjectNode();
    h.put("router", a.trace().routerId());
    ArrayNode answered = h.putArray("experts");
    for (StageTrace s : a.trace().stages()) {
      for (ExpertTrace e : s.experts()) {
        if (e.status().equals("answered")) {
          answered.add(e.name());
        }
      }
    }
    h.put("latency_ms", a.trace().latencyMs());
    h.put("cost_units", a.trace().costUnits());
    h.put("drop_count", a.trace().dropCount());
    return h;
  }

  // ---- route preview ----

  void route(Context ctx) throws IOException {
    JsonNode body = body(ctx);
    String model = optText(body, "model").orElse(Assembly.AUTO_MODEL);
    String text;
    if (body.has("input")) {
      text = requiredText(body, "input");
    } else if (body.has("messages")) {
      text = userText(body.get("messages"));
    } else {
      throw ApiError.badRequest("input: expected the request text (or 'messages')");
    }
    String tid = traceId(ctx);
    io.himoe.shared.Context mctx = contextFor(tid, model);
    RoutePreview p =
        tracing.request(
            "POST /v1/route", tid, () -> assembly.engine().preview(InputData.text(text), mctx));
    ObjectNode out = MAPPER.valueToTree(p);
    out.put("trace_id", tid);
    send(ctx, 200, out);
  }

  // ---- feedback ----

  void feedback(Context ctx) throws IOException {
    authorize(ctx);
    JsonNode body = body(ctx);
    onlyFields(body, Set.of("trace_id", "reward", "best_expert", "notes"));
    String traceId = requiredText(body, "trace_id");
    OptionalDouble reward = OptionalDouble.empty();
    if (body.has("reward") && !body.get("reward").isNull()) {
      JsonNode r = body.get("reward");
      if (!r.isNumber() || !(r.asDouble() >= 0 && r.asDouble() <= 1)) {
        throw ApiError.badRequest("reward: expected a number in [0, 1], got " + r);
      }
      reward = OptionalDouble.of(r.asDouble());
    }
    Optional<String> best = optText(body, "best_expert");
    Optional<String> notes = optText(body, "notes");
    if (reward.isEmpty() && best.isEmpty()) {
      throw ApiError.badRequest("reward or best_expert: feedback needs at least one of them");
    }
    if (!assembly.engine().knows(traceId)) {
      throw ApiError.notFound(
          "unknown_trace", "trace_id: unknown or expired trace id '" + traceId + "'");
    }
    if (best.isPresent()
        && assembly.experts().stream().noneMatch(e -> e.name().equals(best.get()))) {
      throw ApiError.badRequest("best_expert: no expert named '" + best.get() + "'");
    }
    FeedbackStore.Entry stored =
        store.append(
            traceId,
            reward,
            best.orElse(null),
            notes.orElse(null),
            clock.millis(),
            judged(traceId));
    assembly.engine().feedback(new Feedback(traceId, reward, best, notes));
    ObjectNode out = MAPPER.createObjectNode();
    out.put("status", "accepted");
    out.put("feedback_id", stored.id());
    out.put("trace_id", traceId);
    send(ctx, 202, out);
  }

  /** The decision a feedback judges, from the trace log, so the stored log can be replayed. */
  private Optional<FeedbackStore.Decision> judged(String traceId) {
    return traces
        .get(traceId)
        .flatMap(
            e ->
                e.trace()
                    .map(
                        t ->
                            new FeedbackStore.Decision(
                                t.routerId(),
                                e.input(),
                                t.stages().getFirst().experts().stream()
                                    .filter(x -> !x.status().equals("not-picked"))
                                    .map(ExpertTrace::name)
                                    .toList())));
  }

  // ---- experts ----

  void listExperts(Context ctx) throws IOException {
    ObjectNode out = MAPPER.createObjectNode();
    out.set("experts", MAPPER.valueToTree(assembly.experts()));
    out.set("kinds", MAPPER.valueToTree(ExpertKinds.names()));
    out.set("routers", MAPPER.valueToTree(assembly.routerIds()));
    send(ctx, 200, out);
  }

  void addExpert(Context ctx) throws IOException {
    authorize(ctx);
    JsonNode b = body(ctx);
    onlyFields(b, EXPERT_FIELDS);
    String apiKey = null;
    Optional<String> keyEnv = optText(b, "api_key_env");
    if (keyEnv.isPresent()) {
      apiKey = env.get(keyEnv.get());
      if (apiKey == null) {
        throw ApiError.badRequest(
            "api_key_env: environment variable " + keyEnv.get() + " is not set on the server");
      }
    }
    HimoeConfig.Expert spec =
        new HimoeConfig.Expert(
            requiredText(b, "name"),
            requiredText(b, "kind"),
            texts(b, "models"),
            optText(b, "endpoint").orElse(null),
            apiKey,
            optNumber(b, "cost_per_call"),
            optNumber(b, "cost_per_1k_tokens"),
            optNumber(b, "max_instances") == null ? null : optNumber(b, "max_instances").intValue(),
            List.of(),
            texts(b, "keywords"),
            optNumber(b, "timeout_ms") == null ? null : optNumber(b, "timeout_ms").longValue(),
            options(b),
            texts(b, "examples"));
    Assembly.ExpertInfo info;
    try {
      info = assembly.addExpert(spec, texts(b, "routers"));
    } catch (IllegalArgumentException e) {
      if (e.getMessage().contains("already exists")) {
        throw new ApiError(409, "expert_exists", e.getMessage());
      }
      throw ApiError.badRequest(e.getMessage());
    }
    send(ctx, 201, MAPPER.valueToTree(info));
  }

  void removeExpert(Context ctx) {
    authorize(ctx);
    String name = ctx.pathParam("name");
    boolean removed;
    try {
      removed = assembly.removeExpert(name);
    } catch (IllegalArgumentException e) {
      throw new ApiError(409, "expert_in_use", e.getMessage());
    }
    if (!removed) {
      throw ApiError.notFound("expert_not_found", "no expert named '" + name + "'");
    }
    ctx.status(204);
  }

  // ---- traces, models, metrics, health, dashboard ----

  void trace(Context ctx) throws IOException {
    String id = ctx.pathParam("id");
    TraceLog.Entry e =
        traces
            .get(id)
            .orElseThrow(
                () ->
                    ApiError.notFound(
                        "trace_not_found", "no decision with trace id '" + id + "' is kept"));
    ObjectNode out = MAPPER.valueToTree(e);
    out.set("feedback", MAPPER.valueToTree(store.forTrace(id)));
    send(ctx, 200, out);
  }

  void models(Context ctx) throws IOException {
    ObjectNode out = MAPPER.createObjectNode();
    out.put("object", "list");
    ArrayNode data = out.putArray("data");
    List<String> ids = new ArrayList<>();
    ids.add(Assembly.AUTO_MODEL);
    ids.addAll(assembly.routerIds());
    for (String id : ids) {
      ObjectNode m = data.addObject();
      m.put("id", id);
      m.put("object", "model");
      m.put("created", 0);
      m.put("owned_by", "himoe");
    }
    send(ctx, 200, out);
  }

  void metrics(Context ctx) {
    ctx.contentType("text/plain; version=0.0.4; charset=utf-8");
    ctx.result(registry.scrape());
  }

  void health(Context ctx) throws IOException {
    send(ctx, 200, MAPPER.createObjectNode().put("status", "ok"));
  }

  void ready(Context ctx) throws IOException {
    if (!ready) {
      error(ctx, 503, "not_ready", "the server is starting or stopping");
      return;
    }
    ObjectNode out = MAPPER.createObjectNode().put("status", "ready");
    out.put("routers", assembly.routerIds().size());
    out.put("experts", assembly.experts().size());
    send(ctx, 200, out);
  }

  void dashboard(Context ctx) throws IOException {
    send(ctx, 200, MAPPER.valueToTree(dashboard.snapshot()));
  }

  void dashboardPage(Context ctx) throws IOException {
    resource(ctx, "index.html", "text/html; charset=utf-8");
  }

  void dashboardAsset(Context ctx) throws IOException {
    String file = ctx.pathParam("file");
    if (!ASSETS.contains(file)) {
      throw ApiError.notFound("not_found", "no dashboard file '" + file + "'");
    }
    resource(
        ctx,
        file,
        file.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8");
  }

  private static void resource(Context ctx, String file, String type) throws IOException {
    try (InputStream in =
        ApiHandlers.class.getResourceAsStream("/io/himoe/server/dashboard/" + file)) {
      if (in == null) {
        throw ApiError.notFound("not_found", "no dashboard file '" + file + "'");
      }
      ctx.contentType(type);
      ctx.result(in.readAllBytes());
    }
  }

  // ---- errors ----

  void error(Context ctx, int status, String code, String message) {
    ObjectNode err = MAPPER.createObjectNode();
    ObjectNode e = err.putObject("error");
    e.put("code", code);
    e.put("message", message);
    e.put("type", status >= 500 ? "server_error" : "invalid_request_error");
    String tid = ctx.attribute(HimoeServer.MDC_TRACE);
    if (tid != null) {
      e.put("trace_id", tid);
    }
    try {
      send(ctx, status, err);
    } catch (IOException io) {
      ctx.status(status);
    }
  }

  static int statusOf(MoeError e) {
    return switch (e) {
      case MoeError.InvalidInput x -> 400;
      case MoeError.EncodeError x -> 422;
      case MoeError.UnknownRouter x -> 404;
      case MoeError.UnknownTrace x -> 404;
      case MoeError.BudgetExceeded x -> 402;
      case MoeError.DeadlineExceeded x -> 504;
      case MoeError.NoExpertSelected x -> 503;
      case MoeError.Cancelled x -> 503;
      case MoeError.ExpertFailed x -> 502;
      case MoeError.NoExpertAnswered x -> 502;
      case MoeError.AggregationFailed x -> 502;
    };
  }

  // ---- helpers ----

  private io.himoe.shared.Context contextFor(String tid, String model) {
    try {
      return assembly.newContext(tid, model);
    } catch (MoeError.UnknownRouter e) {
      throw ApiError.notFound(
          "model_not_found",
          "model: "
              + e.getMessage().replace("unknown router", "unknown model")
              + "; a model names a router, or 'himoe' to let the orchestrator choose");
    }
  }

  private void authorize(Context ctx) {
    if (!authEnabled) {
      return;
    }
    if (keys.isEmpty()) {
      throw new ApiError(
          401,
          "unauthorized",
          "this route needs an API key, and none is configured: set HIMOE_API_KEYS or"
              + " server.auth.api_keys");
    }
    String h = ctx.header("Authorization");
    if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new ApiError(401, "unauthorized", "missing 'Authorization: Bearer <api key>' header");
    }
    byte[] given = h.substring(7).strip().getBytes(StandardCharsets.UTF_8);
    boolean ok = false;
    for (byte[] k : keys) {
      // Constant-time comparison, and every key is checked, so timing does not reveal a key.
      ok |= MessageDigest.isEqual(k, given);
    }
    if (!ok) {
      throw new ApiError(401, "unauthorized", "the API key is not valid");
    }
  }

  private JsonNode body(Context ctx) throws IOException {
    String ct = ctx.contentType();
    if (ct != null && !ct.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      throw new ApiError(
          415, "unsupported_media_type", "Content-Type must be application/json, got " + ct);
    }
    long len = ctx.req().getContentLengthLong();
    if (len > maxBody) {
      throw tooLarge();
    }
    byte[] bytes;
    try (InputStream in = ctx.req().getInputStream()) {
      bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBody + 1));
    }
    if (bytes.length > maxBody) {
      throw tooLarge();
    }
    if (bytes.length == 0) {
      throw new ApiError(400, "invalid_json", "request body is empty; expected a JSON object");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      var loc = e.getLocation();
      throw new ApiError(
          400,
          "invalid_json",
          "request body is not valid JSON"
              + (loc == null
                  ? ""
                  : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")")
              + ": "
              + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new ApiError(400, "invalid_json", "request body must be a JSON object");
    }
    return node;
  }

  private ApiError tooLarge() {
    return new ApiError(
        413, "payload_too_large", "request body is larger than the limit of " + maxBody + " bytes");
  }

  private static String userText(JsonNode messages) {
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      throw ApiError.badRequest("messages: expected a non-empty array of {role, content}");
    }
    String last = null;
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      if (!m.isObject() || !m.path("role").isTextual()) {
        throw ApiError.badRequest("messages[" + i + "].role: expected a text role");
      }
      if (m.get("role").textValue().equals("user")) {
        last = content(m.get("content"), "messages[" + i + "].content");
      }
    }
    if (last == null) {
      throw ApiError.badRequest("messages: expected at least one message with role 'user'");
    }
    if (last.isBlank()) {
      throw ApiError.badRequest("messages: the last user message is empty");
    }
    return last;
  }

  private static String content(JsonNode c, String path) {
    if (c != null && c.isTextual()) {
      return c.textValue();
    }
    if (c != null && c.isArray()) {
      StringBuilder sb = new StringBuilder();
      for (JsonNode part : c) {
        if (part.path("type").asText().equals("text") && part.path("text").isTextual()) {
          if (!sb.isEmpty()) {
            sb.append('\n');
          }
          sb.append(part.get("text").textValue());
        }
      }
      if (!sb.isEmpty()) {
        return sb.toString();
      }
    }
    throw ApiError.badRequest(path + ": expected text or an array of {type: text, text} parts");
  }

  private static void onlyFields(JsonNode body, Set<String> allowed) {
    Iterator<String> it = body.fieldNames();
    while (it.hasNext()) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw ApiError.badRequest(
            f
                + ": unknown field (expected "
                + String.join(", ", allowed.stream().sorted().toList())
                + ")");
      }
    }
  }

  private static String requiredText(JsonNode b, String field) {
    JsonNode n = b.get(field);
    if (n == null || !n.isTextual() || n.textValue().isBlank()) {
      throw ApiError.badRequest(field + ": expected a non-empty string");
    }
    return n.textValue();
  }

  private static Optional<String> optText(JsonNode b, String field) {
    JsonNode n = b.get(field);
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isTextual() || n.textValue().isBlank()) {
      throw ApiError.badRequest(field + ": expected a non-empty string");
    }
    return Optional.of(n.textValue());
  }

  private static boolean optBool(JsonNode b, String field) {
    JsonNode n = b.get(field);
    if (n == null || n.isNull()) {
      return false;
    }
    if (!n.isBoolean()) {
      throw ApiError.badRequest(field + ": expected true or false");
    }
    return n.booleanValue();
  }

  private static Double optNumber(JsonNode b, String field) {
    JsonNode n = b.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isNumber()) {
      throw ApiError.badRequest(field + ": expected a number");
    }
    return n.doubleValue();
  }

  private static List<String> texts(JsonNode b, String field) {
    JsonNode n = b.get(field);
    if (n == null || n.isNull()) {
      return List.of();
    }
    if (!n.isArray()) {
      throw ApiError.badRequest(field + ": expected an array of strings");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      if (!n.get(i).isTextual()) {
        throw ApiError.badRequest(field + "[" + i + "]: expected a string");
      }
      out.add(n.get(i).textValue());
    }
    return out;
  }

  private static Map<String, String> options(JsonNode b) {
    JsonNode n = b.get("options");
    if (n == null || n.isNull()) {
      return Map.of();
    }
    if (!n.isObject()) {
      throw ApiError.badRequest("options: expected an object of strings");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (var e : n.properties()) {
      if (!e.getValue().isTextual()) {
        throw ApiError.badRequest("options." + e.getKey() + ": expected a string");
      }
      out.put(e.getKey(), e.getValue().textValue());
    }
    return out;
  }

  private static String traceId(Context ctx) {
    return ctx.attribute(HimoeServer.MDC_TRACE);
  }

  private static int words(String s) {
    String t = s.strip();
    return t.isEmpty() ? 0 : t.split("\\s+").length;
  }

  private static void send(Context ctx, int status, JsonNode body) throws IOException {
    ctx.status(status);
    ctx.contentType("application/json");
    ctx.result(MAPPER.writeValueAsBytes(body));
  }
}
