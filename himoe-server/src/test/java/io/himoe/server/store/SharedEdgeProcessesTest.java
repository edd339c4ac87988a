package io.himoe.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.himoe.experts.llm.TokenCounter;
import io.himoe.server.http.HoldingUpstream;
import io.himoe.shared.InputData;
import io.himoe.shared.Message;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three Hi-MoE server processes on loopback sharing one real PostgreSQL, as behind a load balancer
 * that spreads requests without affinity: a key's request and daily cost limits hold over the three
 * together, a conversation keeps its expert when its next turn lands on another replica, and an A/B
 * unit keeps its arm on every replica.
 */
class SharedEdgeProcessesTest {

  static final String KEY = "team-a-key-0123456789";
  static final String COST_KEY = "team-b-key-0123456789";
  static final String TOKENS_KEY = "team-c-key-0123456789";
  static final int TOKENS_PER_MIN = 1000;
  static final int LIMIT = 100;

  @TempDir static Path dir;
  static TestPostgres pg;
  static final AtomicReference<CountDownLatch> arrivals =
      new AtomicReference<>(new CountDownLatch(0));
  static HoldingUpstream upstream;
  static final List<ReplicaProcess> replicas = new ArrayList<>();

  /** Two planners: "plan" favours planning, "checklist" favours checklist (as in SessionsTest). */
  static String config(String url, double altWeight) {
    return """
        experts:
          - name: planning
            kind: planner
            keywords: [plan]
            cost_per_call: 0.2
          - name: checklist
            kind: planner
            keywords: [checklist]
            cost_per_call: 0.1
          - name: writer
            kind: llm
            endpoint: "%s"
            models: [w]
        routers:
          - id: main
            experts: [planning, checklist]
            top_k: 1
          - id: alt
            experts: [planning, checklist]
            top_k: 1
          - id: writing
            experts: [writer]
        experiments:
          - name: rollout
            unit: user
            arms: [{router: main, weight: 1.0}, {router: alt, weight: %s}]
        # Routers read the last user turn only, so that only the session ties turns together.
        gateway:
          route_turns: 0
        # Each request may spend 0.2 units at most: a key's daily cost is held request by request.
        budgets: {cost: 0.2, deadline_ms: 30000}
        sessions: {sticky: true, margin: 1.0}
        server:
          auth:
            protect: [admin]
            keys:
              - alias: team-a
                key: ${TEAM_A_KEY}
                requests_per_min: %d
              - alias: team-b
                key: ${TEAM_B_KEY}
                cost_per_day: 2.0
              - alias: team-c
                key: ${TEAM_C_KEY}
                tokens_per_min: %d
        store:
          kind: postgres
          url: %s
          user: postgres
          pool: {max: 16, connect_timeout_ms: 10000}
          outbox_dir: "%s"
        """
        .formatted(
            upstream.baseUrl(),
            altWeight,
            LIMIT,
            TOKENS_PER_MIN,
            url,
            dir.resolve("outbox").toString().replace("\\", "/"));
  }

  @BeforeAll
  static void startReplicas() throws Exception {
    upstream = new HoldingUpstream(() -> arrivals.get().countDown());
    pg = TestPostgres.own(dir.resolve("pg"));
    String url = pg.newDatabase();
    // a and b split users 50/50 between main and alt; c runs the next configuration, where alt
    // takes no new users (as during a rolling update).
    Path config = dir.resolve("himoe.yaml");
    Files.writeString(config, config(url, 1.0), StandardCharsets.UTF_8);
    Path next = dir.resolve("himoe-next.yaml");
    Files.writeString(next, config(url, 0.0), StandardCharsets.UTF_8);
    for (String name : List.of("a", "b", "c")) {
      replicas.add(
          new ReplicaProcess(
                  name.equals("c") ? next : config,
                  ReplicaProcess.freePort(),
                  dir.resolve(name + ".log"))
              .env("TEAM_A_KEY", KEY)
              .env("TEAM_B_KEY", COST_KEY)
              .env("TEAM_C_KEY", TOKENS_KEY)
              .start());
    }
    for (ReplicaProcess r : replicas) {
      r.awaitReady(90_000);
    }
  }

  @AfterAll
  static void stopReplicas() throws Exception {
    for (ReplicaProcess r : replicas) {
      r.close();
    }
    if (pg != null) {
      pg.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  static ObjectNode turn(ArrayNode history, String user) {
    ObjectNode body = ReplicaClient.JSON.createObjectNode();
    ArrayNode m = body.putArray("messages");
    m.addAll(history);
    m.addObject().put("role", "user").put("content", user);
    return body;
  }

  static HttpResponse<String> chat(ReplicaClient r, ObjectNode body, Map<String, String> headers)
      throws Exception {
    return r.post("/v1/chat/completions", body.toString(), headers);
  }

  @Test
  void aKeysRequestLimitHoldsOverThreeReplicas() throws Exception {
    // The limit counts per UTC minute of the replicas' clocks: start the burst early in a minute
    // so that it ends in the same one (it takes a few seconds; the processes' clocks cannot be
    // injected).
    long msIntoMinute = System.currentTimeMillis() % 60_000;
    if (msIntoMinute > 30_000) {
      Thread.sleep(60_000 - msIntoMinute + 50);
    }
    long minute = System.currentTimeMillis() / 60_000;
    ExecutorService pool = Executors.newFixedThreadPool(32);
    List<Future<HttpResponse<String>>> sent = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      ReplicaClient r = replicas.get(i % 3).client();
      ObjectNode body = turn(ReplicaClient.JSON.createArrayNode(), "plan: step " + i);
      sent.add(pool.submit(() -> chat(r, body, Map.of("Authorization", "Bearer " + KEY))));
    }
    Map<Integer, Integer> byStatus = new TreeMap<>();
    Map<String, Integer> admittedByReplica = new TreeMap<>();
    for (int i = 0; i < sent.size(); i++) {
      HttpResponse<String> r = sent.get(i).get();
      byStatus.merge(r.statusCode(), 1, Integer::sum);
      if (r.statusCode() == 200) {
        admittedByReplica.merge(replicas.get(i % 3).client().url(), 1, Integer::sum);
      } else {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        assertThat(r.body()).contains("rate_limit_exceeded").contains("team-a");
      }
    }
    pool.shutdown();
    assertThat(System.currentTimeMillis() / 60_000)
        .as("the burst ended in the minute it started (%s)", Instant.now())
        .isEqualTo(minute);
    // Every count reached the database (none was answered from a replica's memory, as while
    // the database is down), and exactly the limit was admitted over the three replicas.
    double local = 0;
    for (ReplicaProcess p : replicas) {
      local += p.client().metric("himoe_store_local_answers_total");
    }
    assertThat(local).as("look-ups answered locally").isZero();
    assertThat(byStatus).isEqualTo(Map.of(200, LIMIT, 429, 300 - LIMIT));
    assertThat(admittedByReplica).hasSize(3);
    // A request without the key has no limit.
    HttpResponse<String> anonymous =
        chat(
            replicas.get(0).client(),
            turn(ReplicaClient.JSON.createArrayNode(), "plan: x"),
            Map.of());
    assertThat(anonymous.statusCode()).isEqualTo(200);
  }

  @Test
  void aKeysDailyCostLimitIsNeverPassedOverThreeReplicas() throws Exception {
    long msIntoDay = System.currentTimeMillis() % 86_400_000;
    if (msIntoDay > 86_400_000 - 60_000) {
      Thread.sleep(86_400_000 - msIntoDay + 50); // the limit counts per UTC day
    }
    // team-b may spend 2.0 units a day; each request may spend 0.2 and the planner costs 0.2. 60
    // requests at once over the three replicas: each holds its 0.2 before it runs, so 10 run.
    ExecutorService pool = Executors.newFixedThreadPool(30);
    List<Future<HttpResponse<String>>> sent = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      ReplicaClient r = replicas.get(i % 3).client();
      ObjectNode body = turn(ReplicaClient.JSON.createArrayNode(), "plan: costly step " + i);
      sent.add(pool.submit(() -> chat(r, body, Map.of("Authorization", "Bearer " + COST_KEY))));
    }
    int answered = 0;
    double spent = 0;
    for (Future<HttpResponse<String>> f : sent) {
      HttpResponse<String> r = f.get();
      if (r.statusCode() == 200) {
        answered++;
        spent += ReplicaClient.JSON.readTree(r.body()).path("himoe").path("cost_units").asDouble();
      } else {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
        assertThat(r.body()).contains("team-b").contains("cost units for today");
      }
    }
    pool.shutdown();
    assertThat(answered).isEqualTo(10);
    assertThat(spent).isCloseTo(2.0, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void concurrentRequestsOverThreeReplicasCannotTogetherPassAKeysTokensPerMinute()
      throws Exception {
    long msIntoMinute = System.currentTimeMillis() % 60_000;
    if (msIntoMinute > 30_000) {
      Thread.sleep(60_000 - msIntoMinute + 50); // the limit counts per UTC minute
    }
    long minute = System.currentTimeMillis() / 60_000;
    // 60 requests at once over the three replicas, each holding its prompt + max_tokens (100) of
    // team-c's 1000 tokens a minute; the upstream holds every admitted one until all 60 were
    // admitted or refused, then writes each completion to its limit.
    int burst = 60;
    CountDownLatch decided = new CountDownLatch(burst);
    arrivals.set(decided);
    ExecutorService pool = Executors.newFixedThreadPool(burst);
    List<Future<HttpResponse<String>>> sent = new ArrayList<>();
    for (int i = 0; i < burst; i++) {
      ReplicaClient r = replicas.get(i % 3).client();
      ObjectNode body = turn(ReplicaClient.JSON.createArrayNode(), "write: a story about the sea");
      body.put("model", "writing").put("max_tokens", 100);
      sent.add(
          pool.submit(
              () -> {
                HttpResponse<String> resp =
                    chat(r, body, Map.of("Authorization", "Bearer " + TOKENS_KEY));
                if (resp.statusCode() != 200) {
                  decided.countDown();
                }
                return resp;
              }));
    }
    assertThat(decided.await(120, TimeUnit.SECONDS)).as("all admitted or refused").isTrue();
    upstream.release();
    long admitted = 0;
    long used = 0;
    for (Future<HttpResponse<String>> f : sent) {
      HttpResponse<String> r = f.get();
      if (r.statusCode() == 200) {
        admitted++;
        used += ReplicaClient.JSON.readTree(r.body()).path("usage").path("total_tokens").asLong();
      } else {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
        assertThat(r.body()).contains("team-c").contains("requests in flight");
      }
    }
    pool.shutdown();
    assertThat(System.currentTimeMillis() / 60_000)
        .as("the burst ended in its minute")
        .isEqualTo(minute);
    long bound =
        TokenCounter.defaults()
                .prompt(
                    InputData.Conversation.of(
                        List.of(Message.user("write: a story about the sea"))))
            + 100;
    assertThat(admitted).isEqualTo(TOKENS_PER_MIN / bound);
    assertThat(used).isLessThanOrEqualTo(TOKENS_PER_MIN);
    assertThat(upstream.maxTokens()).containsOnly(100);
  }

  @Test
  void aConversationKeepsItsExpertWhenItsNextTurnLandsOnAnotherReplica() throws Exception {
    for (int i = 0; i < 3; i++) {
      ReplicaClient first = replicas.get(i).client();
      ReplicaClient next = replicas.get((i + 1) % 3).client();
      // A named session (X-Session-Id), and a session found by the hash of its earlier turns.
      for (Map<String, String> id :
          List.of(Map.of("X-Session-Id", "conv-" + i), Map.<String, String>of())) {
        ArrayNode history = ReplicaClient.JSON.createArrayNode();
        String opening = "plan: pack; travel #" + i + id.size();
        HttpResponse<String> r1 = chat(first, turn(history, opening), id);
        assertThat(r1.statusCode()).as(r1.body()).isEqualTo(200);
        JsonNode one = ReplicaClient.JSON.readTree(r1.body());
        assertThat(one.path("himoe").path("experts").get(0).asText()).isEqualTo("planning");
        history.addObject().put("role", "user").put("content", opening);
        history
            .addObject()
            .put("role", "assistant")
            .put("content", one.path("choices").get(0).path("message").path("content").asText());
        // On its own, this turn would go to checklist; the session keeps planning.
        HttpResponse<String> r2 = chat(next, turn(history, "make a checklist for the trip"), id);
        assertThat(r2.statusCode()).as(r2.body()).isEqualTo(200);
        JsonNode two = ReplicaClient.JSON.readTree(r2.body());
        assertThat(two.path("himoe").path("session").path("decision").asText())
            .as("session %s on %s", id, next.url())
            .isEqualTo("stayed");
        assertThat(two.path("himoe").path("experts").get(0).asText()).isEqualTo("planning");
      }
    }
  }

  @Test
  void anExperimentUnitGetsTheSameArmOnEveryReplicaEvenWhereTheWeightsDiffer() throws Exception {
    // Replicas a and b split users 50/50 between the routers main and alt; replica c runs the
    // next configuration, where alt gets no new users (weight 0). A user assigned on a or b keeps
    // its arm on c: the assignment is in the shared store (by hash alone, c would send every
    // user to main).
    Map<String, String> armOf = new TreeMap<>();
    for (int u = 0; u < 40; u++) {
      ReplicaClient first = replicas.get(u % 2).client();
      armOf.put("user-" + u, router(first, "user-" + u, "plan: step " + u));
    }
    assertThat(armOf.values()).contains("main", "alt");
    for (int u = 0; u < 40; u++) {
      for (ReplicaProcess p : replicas) {
        assertThat(router(p.client(), "user-" + u, "plan: again " + u))
            .as("user-%d on %s", u, p.client().url())
            .isEqualTo(armOf.get("user-" + u));
      }
    }
    // A user seen first on c goes where c's weights send it.
    assertThat(router(replicas.get(2).client(), "newcomer", "plan: hello")).isEqualTo("main");
  }

  /** The router that answered a chat of {@code user}. */
  static String router(ReplicaClient r, String user, String text) throws Exception {
    ObjectNode body = turn(ReplicaClient.JSON.createArrayNode(), text);
    body.put("user", user);
    HttpResponse<String> resp = chat(r, body, Map.of());
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    return ReplicaClient.JSON.readTree(resp.body()).path("himoe").path("router").asText();
  }
}
