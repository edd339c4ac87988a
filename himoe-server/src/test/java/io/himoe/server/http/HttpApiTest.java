package io.himoe.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.himoe.server.ServerFixtures;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.config.ConfigLoader;
import io.himoe.server.config.HimoeConfig;
import io.himoe.server.store.FeedbackStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs two real servers on 127.0.0.1: an upstream with one planner, and the server under test,
 * whose configuration has two routers and a shadow. Experts added at run time chain to the upstream
 * over its OpenAI-compatible API. Every call goes through the JDK HTTP client.
 */
class HttpApiTest {

  static final String KEY = "test-key-123";
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  static final String CONFIG =
      """
      server:
        host: 127.0.0.1
        port: 0
        max_body_bytes: 4096
        auth:
          api_keys: ["${TEST_KEY}"]
      budgets:
        deadline_ms: 5000
      experts:
        - name: planning
          kind: planner
          keywords: [plan, steps]
        - name: checklist
          kind: planner
          keywords: [checklist]
      routers:
        - id: main
          top_k: 1
          fallback: planning
        - id: wide
          top_k: 2
          aggregation:
            strategy: gate-weighted
      shadows:
        routers: [wide]
        min_remaining_ms: 1
        sample_rate: 1
      """;

  @TempDir static Path dir;
  static Assembly upstreamAssembly;
  static HimoeServer upstream;
  static Assembly assembly;
  static HimoeServer server;
  static String base;

  @BeforeAll
  static void start() {
    upstreamAssembly = Assembly.build(ServerFixtures.PLANNER_ONLY);
    upstream = ServerFixtures.serve(upstreamAssembly, dir.resolve("up.db"));
    HimoeConfig cfg = ConfigLoader.of(Map.of("TEST_KEY", KEY)).parse(CONFIG, "test");
    assembly = Assembly.build(cfg);
    server = HimoeServer.builder(assembly).feedbackDb(dir.resolve("fb.db")).start();
    base = server.url();
  }

  @AfterAll
  static void stop() {
    server.close();
    assembly.close();
    upstream.close();
    upstreamAssembly.close();
  }

  static HttpResponse<String> post(String path, String body, String key) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(String path) throws Exception {
    return get(path, null);
  }

  static HttpResponse<String> get(String path, String key) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  static String chat(String model, String text, boolean stream) {
    var root = JSON.createObjectNode();
    root.put("model", model);
    var m = root.putArray("messages");
    m.addObject().put("role", "system").put("content", "be brief");
    m.addObject().put("role", "user").put("content", text);
    if (stream) {
      root.put("stream", true);
    }
    return root.toString();
  }

  @Test
  void chatCompletionIsOpenAiShapedAndCarriesTheTraceId() throws Exception {
    HttpResponse<String> r =
        post("/v1/chat/completions", chat("himoe", "plan: a; b; c", false), null);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode b = json(r);
    String tid = r.headers().firstValue("X-Trace-Id").orElseThrow();
    assertThat(b.path("trace_id").asText()).isEqualTo(tid);
    assertThat(b.path("id").asText()).isEqualTo("chatcmpl-" + tid);
    assertThat(b.path("object").asText()).isEqualTo("chat.completion");
    assertThat(b.path("model").asText()).isEqualTo("main");
    JsonNode msg = b.path("choices").path(0).path("message");
    assertThat(msg.path("role").asText()).isEqualTo("assistant");
    assertThat(msg.path("content").asText()).contains("a").contains("b").contains("c");
    assertThat(b.path("choices").path(0).path("finish_reason").asText()).isEqualTo("stop");
    assertThat(b.path("usage").path("total_tokens").asInt()).isPositive();
    assertThat(b.path("himoe").path("experts").get(0).asText()).isEqualTo("planning");

    assertThat(r.headers().firstValue("x-request-id")).contains(tid);
    // With keys configured, a decision's trace (input and answer) needs a key.
    assertThat(get("/v1/traces/" + tid).statusCode()).isEqualTo(401);
    JsonNode trace = json(get("/v1/traces/" + tid, KEY));
    assertThat(trace.path("trace").path("router_id").asText()).isEqualTo("main");
    assertThat(trace.path("trace").path("stages").get(0).path("experts")).isNotEmpty();
    assertThat(trace.path("input").asText()).isEqualTo("plan: a; b; c");
  }

  @Test
  void aCallersTraceIdIsOnlyACorrelationIdTheServerChoosesTheTraceId() throws Exception {
    HttpResponse<String> first = null;
    for (int i = 0; i < 2; i++) {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                  .header("Content-Type", "application/json")
                  .header("X-Trace-Id", "caller-trace-42")
                  .POST(HttpRequest.BodyPublishers.ofString(chat("himoe", "plan: x; y", false)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("X-Correlation-Id")).contains("caller-trace-42");
      String tid = json(r).path("trace_id").asText();
      assertThat(tid).isNotEqualTo("caller-trace-42");
      assertThat(r.headers().firstValue("X-Trace-Id")).contains(tid);
      if (first != null) {
        // The same caller id twice makes two decisions: one cannot overwrite another's.
        assertThat(tid).isNotEqualTo(json(first).path("trace_id").asText());
      }
      first = r;
      assertThat(json(get("/v1/traces/" + tid, KEY)).path("correlation_id").asText())
          .isEqualTo("caller-trace-42");
    }
  }

  @Test
  void modelForcesTheRouter() throws Exception {
    HttpResponse<String> r =
        post("/v1/chat/completions", chat("wide", "make a checklist", false), null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).path("model").asText()).isEqualTo("wide");
    assertThat(json(r).path("himoe").path("experts")).hasSize(2);
  }

  @Test
  void streamingSendsSseChunksThenDone() throws Exception {
    HttpResponse<String> r =
        post("/v1/chat/completions", chat("himoe", "plan: write; test; ship", true), null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    List<String> events =
        r.body().lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
    assertThat(events.getLast()).isEqualTo("[DONE]");
    JsonNode first = JSON.readTree(events.getFirst());
    assertThat(first.path("object").asText()).isEqualTo("chat.completion.chunk");
    assertThat(first.path("choices").path(0).path("delta").path("role").asText())
        .isEqualTo("assistant");
    StringBuilder content = new StringBuilder();
    for (String e : events.subList(1, events.size() - 1)) {
      content.append(
          JSON.readTree(e).path("choices").path(0).path("delta").path("content").asText());
    }
    assertThat(content.toString()).contains("write").contains("ship");
    JsonNode last = JSON.readTree(events.get(events.size() - 2));
    assertThat(last.path("choices").path(0).path("finish_reason").asText()).isEqualTo("stop");
    assertThat(last.path("trace_id").asText())
        .isEqualTo(r.headers().firstValue("X-Trace-Id").orElseThrow());
  }

  @Test
  void unknownModelIs404WithStableCode() throws Exception {
    HttpResponse<String> r = post("/v1/chat/completions", chat("gpt-9", "hi", false), null);
    assertThat(r.statusCode()).isEqualTo(404);
    JsonNode e = json(r).path("error");
    assertThat(e.path("code").asText()).isEqualTo("model_not_found");
    assertThat(e.path("message").asText()).contains("gpt-9").contains("main").contains("wide");
  }

  @Test
  void badJsonAndBadFieldsAre400NamingTheProblem() throws Exception {
    HttpResponse<String> r = post("/v1/chat/completions", "{\"messages\": [", null);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).path("error").path("code").asText()).isEqualTo("invalid_json");
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("at io.");

    r = post("/v1/chat/completions", "{\"model\": \"himoe\"}", null);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).path("error").path("message").asText()).startsWith("messages:");

    r =
        post(
            "/v1/chat/completions",
            chat("himoe", "x", false).replace("\"user\"", "\"tool\""),
            null);
    assertThat(json(r).path("error").path("param").asText()).isEqualTo("messages[1].tool_call_id");
    r =
        post(
            "/v1/chat/completions",
            chat("himoe", "x", false).replace("\"user\"", "\"assistant\""),
            null);
    assertThat(json(r).path("error").path("message").asText()).contains("role 'user'");
    r =
        post(
            "/v1/chat/completions",
            chat("himoe", "x", false).replace("\"user\"", "\"wizard\""),
            null);
    assertThat(json(r).path("error").path("param").asText()).isEqualTo("messages[1].role");

    r = post("/v1/chat/completions", "[1,2]", null);
    assertThat(json(r).path("error").path("message").asText()).contains("JSON object");

    r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/route"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("hello"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(415);
    assertThat(json(r).path("error").path("code").asText()).isEqualTo("unsupported_media_type");
  }

  @Test
  void wrongTypesUnknownFieldsAndTrailingDataAre400NamingTheParam() throws Exception {
    HttpResponse<String> r =
        post(
            "/v1/chat/completions",
            chat("himoe", "plan: a; b", false).replaceFirst("\\{", "{\"max_tokens\": \"x\", "),
            null);
    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode e = json(r).path("error");
    assertThat(e.path("param").asText()).isEqualTo("max_tokens");
    assertThat(e.path("message").asText()).isEqualTo("max_tokens: expected an integer");
    assertThat(e.path("type").asText()).isEqualTo("invalid_request_error");

    r =
        post(
            "/v1/chat/completions",
            chat("himoe", "plan: a; b", false).replaceFirst("\\{", "{\"temprature\": 1, "),
            null);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).path("error").path("param").asText()).isEqualTo("temprature");
    assertThat(json(r).path("error").path("code").asText()).isEqualTo("unknown_parameter");

    r =
        post(
            "/v1/chat/completions",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\", \"name\": 3}]}",
            null);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).path("error").path("param").asText()).isEqualTo("messages[0].name");

    r = post("/v1/chat/completions", chat("himoe", "plan: a; b", false) + " {}", null);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).path("error").path("message").asText()).contains("trailing data");
    r = post("/v1/route", "{\"input\": \"plan: a\"}garbage", null);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).path("error").path("message").asText()).contains("trailing data");
  }

  @Test
  void oversizedBodyIs413() throws Exception {
    String big = chat("himoe", "plan: " + "x ".repeat(5000), false);
    HttpResponse<String> r = post("/v1/chat/completions", big, null);
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(json(r).path("error").path("code").asText()).isEqualTo("payload_too_large");
    assertThat(json(r).path("error").path("message").asText()).contains("4096");
  }

  @Test
  void unknownPathAndMethodAreJson() throws Exception {
    HttpResponse<String> r = get("/v1/nothing");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(json(r).path("error").path("code").asText()).isEqualTo("not_found");
    r = get("/v1/traces/never-seen", KEY);
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(json(r).path("error").path("code").asText()).isEqualTo("trace_not_found");

    r = get("/v1/chat/completions");
    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("Allow")).contains("POST");
    assertThat(json(r).path("error").path("code").asText()).isEqualTo("method_not_allowed");
    r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/models"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("Allow")).contains("GET");
  }

  @Test
  void errorsJettyWritesItselfAreJsonToo() throws Exception {
    int port = server.port();
    for (String raw :
        List.of(
            "GARBAGE\r\n\r\n",
            "GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n",
            "GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n")) {
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
        s.getOutputStream().write(raw.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        String reply =
            new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        String status = reply.substring(0, reply.indexOf("\r\n"));
        assertThat(status).matches("HTTP/1.1 4\\d\\d .*");
        assertThat(reply).containsIgnoringCase("Content-Type: application/json");
        String body = reply.substring(reply.indexOf("\r\n\r\n") + 4);
        JsonNode e = JSON.readTree(body).path("error");
        assertThat(e.path("message").asText()).isNotEmpty();
        assertThat(e.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(body).doesNotContain("<html");
      }
    }
  }

  @Test
  void routesAnswerWithoutTheV1PrefixAndModelsById() throws Exception {
    HttpResponse<String> r = post("/chat/completions", chat("main", "plan: a; b", false), null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).path("model").asText()).isEqualTo("main");
    assertThat(json(get("/models/wide")).path("id").asText()).isEqualTo("wide");
    assertThat(json(get("/v1/models/himoe")).path("object").asText()).isEqualTo("model");
    r = get("/v1/models/gpt-9");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(json(r).path("error").path("code").asText()).isEqualTo("model_not_found");
  }

  @Test
  void routeExplainsWithoutCallingExperts() throws Exception {
    long before = assembly.experts().stream().mapToLong(Assembly.ExpertInfo::calls).sum();
    HttpResponse<String> r = post("/v1/route", "{\"input\": \"a checklist for the trip\"}", null);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode b = json(r);
    assertThat(b.path("router_id").asText()).isEqualTo("main");
    assertThat(b.path("experts").get(0).path("name").asText()).isEqualTo("checklist");
    assertThat(b.path("experts").get(0).path("status").asText()).isEqualTo("would-call");
    assertThat(b.path("experts").get(0).path("weight").asDouble())
        .isGreaterThan(b.path("experts").get(1).path("weight").asDouble());
    assertThat(b.path("shadows").get(0).asText()).isEqualTo("wide");
    long after = assembly.experts().stream().mapToLong(Assembly.ExpertInfo::calls).sum();
    assertThat(after).isEqualTo(before);
  }

  @Test
  void feedbackNeedsAKeyIsStoredThenAccepted() throws Exception {
    String tid =
        json(post("/v1/chat/completions", chat("himoe", "plan: a; b", false), null))
            .path("trace_id")
            .asText();
    String fb = "{\"trace_id\": \"" + tid + "\", \"reward\": 0.9, \"notes\": \"good\"}";

    HttpResponse<String> r = post("/v1/feedback", fb, null);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(json(r).path("error").path("code").asText()).isEqualTo("unauthorized");
    r = post("/v1/feedback", fb, "wrong-key");
    assertThat(r.statusCode()).isEqualTo(401);

    r = post("/v1/feedback", fb, KEY);
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(json(r).path("status").asText()).isEqualTo("accepted");
    // Durable: a separate connection to the SQLite file sees it.
    try (FeedbackStore other = FeedbackStore.open(dir.resolve("fb.db"))) {
      assertThat(other.forTrace(tid)).hasSize(1);
      assertThat(other.forTrace(tid).getFirst().reward().getAsDouble()).isEqualTo(0.9);
    }
    JsonNode trace = json(get("/v1/traces/" + tid, KEY));
    assertThat(trace.path("feedback").get(0).path("notes").asText()).isEqualTo("good");

    r = post("/v1/feedback", "{\"trace_id\": \"nope\", \"reward\": 1}", KEY);
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(json(r).path("error").path("code").asText()).isEqualTo("unknown_trace");
    r = post("/v1/feedback", "{\"trace_id\": \"" + tid + "\", \"reward\": 7}", KEY);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).path("error").path("message").asText()).startsWith("reward:");
    r = post("/v1/feedback", "{\"trace_id\": \"" + tid + "\", \"rewrd\": 1}", KEY);
    assertThat(json(r).path("error").path("message").asText()).startsWith("rewrd: unknown field");
  }

  @Test
  void expertsCanBeAddedChainedToAnotherServerAndRemoved() throws Exception {
    String add =
        "{\"name\": \"upstream\", \"kind\": \"openai\", \"endpoint\": \""
            + upstream.url()
            + "/v1\", \"models\": [\"himoe\"], \"keywords\": [\"upstream\"],"
            + " \"routers\": [\"main\"]}";
    assertThat(post("/v1/experts", add, null).statusCode()).isEqualTo(401);
    HttpResponse<String> r = post("/v1/experts", add, KEY);
    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(json(r).path("routers").get(0).asText()).isEqualTo("main");
    assertThat(post("/v1/experts", add, KEY).statusCode()).isEqualTo(409);

    JsonNode list = json(get("/v1/experts"));
    assertThat(list.path("experts").findValuesAsText("name")).contains("upstream", "planning");

    r = post("/v1/chat/completions", chat("main", "ask upstream: one, then two", false), null);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode b = json(r);
    assertThat(b.path("himoe").path("experts").get(0).asText()).isEqualTo("upstream");
    assertThat(b.path("choices").path(0).path("message").path("content").asText())
        .contains("one")
        .contains("two");

    HttpResponse<String> del =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/experts/upstream"))
                .header("Authorization", "Bearer " + KEY)
                .DELETE()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(del.statusCode()).isEqualTo(204);
    assertThat(json(get("/v1/experts")).path("experts").findValuesAsText("name"))
        .doesNotContain("upstream");
    del =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/experts/upstream"))
                .header("Authorization", "Bearer " + KEY)
                .DELETE()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(del.statusCode()).isEqualTo(404);
    assertThat(json(del).path("error").path("code").asText()).isEqualTo("expert_not_found");
  }

  @Test
  void badExpertSpecIs400() throws Exception {
    HttpResponse<String> r = post("/v1/experts", "{\"name\": \"x\", \"kind\": \"wizard\"}", KEY);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).path("error").path("message").asText()).startsWith("kind:");
    r =
        post(
            "/v1/experts",
            "{\"name\": \"x\", \"kind\": \"openai\", \"endpoint\": \"http://h/v1\","
                + " \"models\": [\"m\"], \"api_key_env\": \"NOT_SET_ANYWHERE_API_KEY\"}",
            KEY);
    assertThat(json(r).path("error").path("message").asText())
        .contains("NOT_SET_ANYWHERE_API_KEY is not set");
  }

  @Test
  void anAddedExpertMayReadItsKeyOnlyFromAllowedVariables() throws Exception {
    // PATH is set on every server, HIMOE_API_KEY is the server's own: neither may leave it.
    for (String name : new String[] {"PATH", "HIMOE_API_KEY", "HIMOE_API_KEYS"}) {
      HttpResponse<String> r =
          post(
              "/v1/experts",
              "{\"name\": \"x\", \"kind\": \"llm\", \"endpoint\": \"http://127.0.0.1:9/v1\","
                  + " \"models\": [\"m\"], \"api_key_env\": \""
                  + name
                  + "\"}",
              KEY);
      assertThat(r.statusCode()).as(name).isEqualTo(400);
      JsonNode error = json(r).path("error");
      assertThat(error.path("param").asText()).isEqualTo("api_key_env");
      assertThat(error.path("message").asText())
          .contains(name + " may not hold an expert's key")
          .contains("*_API_KEY");
    }
    assertThat(json(get("/v1/experts")).path("experts").findValuesAsText("name"))
        .doesNotContain("x");
  }

  @Test
  void metricsHealthModelsAndDashboard() throws Exception {
    post("/v1/chat/completions", chat("himoe", "plan: m; n", false), null);
    String metrics = get("/metrics").body();
    assertThat(metrics)
        .contains("himoe_requests_total")
        .contains("himoe_expert_calls_total{expert=\"planning\"")
        .contains("himoe_expert_latency_seconds_bucket")
        .contains("himoe_gate_entropy")
        .contains("himoe_load_balance_cv")
        .contains("himoe_routing_drift")
        .contains("himoe_expert_utilisation")
        .contains("himoe_spent_cost_units_total")
        .contains("himoe_calibration_ece")
        .contains("himoe_drift_psi")
        .contains("himoe_drift_alert")
        .contains("himoe_contradiction_ratio");
    assertThat(json(get("/healthz")).path("status").asText()).isEqualTo("ok");
    assertThat(json(get("/readyz")).path("status").asText()).isEqualTo("ready");
    assertThat(json(get("/v1/models")).path("data").findValuesAsText("id"))
        .containsExactly("himoe", "main", "wide");
    HttpResponse<String> page = get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("Hi-MoE").contains("/dashboard/app.js");
    assertThat(get("/dashboard/app.js").body()).contains("/v1/dashboard");
    JsonNode hidden = json(get("/v1/dashboard"));
    assertThat(hidden.path("decisions")).isEmpty();
    assertThat(hidden.path("decisions_hidden").asBoolean()).isTrue();
    JsonNode dash = json(get("/v1/dashboard", KEY));
    assertThat(dash.path("decisions")).isNotEmpty();
    assertThat(dash.path("series")).isNotEmpty();
    assertThat(dash.path("experts").has("planning")).isTrue();
    assertThat(dash.path("budget").path("requests").asLong()).isPositive();
  }
}
