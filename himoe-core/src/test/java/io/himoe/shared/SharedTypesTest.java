package io.himoe.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SharedTypesTest {

  @Test
  void contextCountsDownOnTheInjectedClock() {
    MutableClock clock = new MutableClock();
    Context c = Context.builder().budget(Duration.ofMillis(100)).clock(clock).traceId("t").build();
    assertThat(c.remainingMs()).isEqualTo(100);
    clock.advance(Duration.ofMillis(60));
    assertThat(c.remaining()).isEqualTo(Duration.ofMillis(40));
    assertThat(c.isExpired()).isFalse();
    c.checkAlive("ok");
    clock.advance(Duration.ofMillis(40));
    assertThat(c.isExpired()).isTrue();
    assertThat(c.remaining()).isEqualTo(Duration.ZERO);
    assertThatThrownBy(() -> c.checkAlive("gate"))
        .isInstanceOf(MoeError.DeadlineExceeded.class)
        .hasMessageContaining("gate");
    // A derived deadline is never later than the original.
    assertThat(c.withDeadline(c.deadline().plusSeconds(5)).deadline()).isEqualTo(c.deadline());
    assertThat(c.withTraceId("u").traceId()).isEqualTo("u");
  }

  @Test
  void contextMemoryIsBounded() {
    Context c = Context.builder().memory(2, Duration.ofMinutes(1)).build();
    c.memory().put("a", 1);
    c.memory().put("b", 2);
    c.memory().put("c", 3);
    assertThat(c.memory().size()).isEqualTo(2);
    assertThat(c.memory().get("a")).isEmpty();
  }

  @Test
  void ttlLruCacheExpiresAndEvictsLeastRecentlyUsed() {
    MutableClock clock = new MutableClock();
    TtlLruCache<String, Integer> cache = new TtlLruCache<>(2, Duration.ofSeconds(10), clock);
    cache.put("a", 1);
    cache.put("b", 2);
    assertThat(cache.get("a")).contains(1); // a is now the most recent
    cache.put("c", 3); // evicts b
    assertThat(cache.get("b")).isEmpty();
    assertThat(cache.snapshot()).containsOnlyKeys("a", "c");
    clock.advance(Duration.ofSeconds(11));
    assertThat(cache.get("a")).isEmpty();
    assertThatThrownBy(() -> new TtlLruCache<String, Integer>(0, Duration.ofSeconds(1), clock))
        .hasMessageContaining("maxSize");
    assertThatThrownBy(() -> new TtlLruCache<String, Integer>(1, Duration.ZERO, clock))
        .hasMessageContaining("ttl");
  }

  @Test
  void ttlLruCacheGetOrPutKeepsTheLiveValueAndReplacesAnExpiredOne() {
    MutableClock clock = new MutableClock();
    TtlLruCache<String, Integer> cache = new TtlLruCache<>(2, Duration.ofSeconds(10), clock);
    assertThat(cache.getOrPut("a", () -> 1)).isEqualTo(1);
    assertThat(cache.getOrPut("a", () -> 2)).isEqualTo(1); // live: kept, a is the most recent
    cache.put("b", 2);
    assertThat(cache.getOrPut("a", () -> 9)).isEqualTo(1); // a is the most recent again
    assertThat(cache.getOrPut("c", () -> 3)).isEqualTo(3); // evicts b
    assertThat(cache.snapshot()).containsOnlyKeys("a", "c");
    clock.advance(Duration.ofMillis(9_999));
    assertThat(cache.get("a")).contains(1);
    clock.advance(Duration.ofMillis(1));
    assertThat(cache.getOrPut("a", () -> 4)).isEqualTo(4); // expired at exactly its TTL
  }

  @Test
  void cancelTokensPropagateToChildrenAndCanBeDetached() {
    CancelToken parent = CancelToken.create();
    CancelToken child = parent.child();
    CancelToken detached = parent.child();
    detached.detach();
    AtomicInteger calls = new AtomicInteger();
    Runnable unregister = parent.onCancel(calls::incrementAndGet);
    parent.onCancel(calls::incrementAndGet);
    unregister.run();
    parent.cancel();
    parent.cancel();
    assertThat(child.isCancelled()).isTrue();
    assertThat(detached.isCancelled()).isFalse();
    assertThat(calls.get()).isEqualTo(1);
    // Registering after the fact runs at once.
    parent.onCancel(calls::incrementAndGet);
    assertThat(calls.get()).isEqualTo(2);
    assertThatThrownBy(() -> parent.throwIfCancelled("x")).isInstanceOf(MoeError.Cancelled.class);
  }

  @Test
  void costBudgetReservesSettlesAndRefuses() {
    CostBudget b = CostBudget.of(1.0);
    CostBudget.Reservation r = b.reserve(0.6);
    assertThat(b.remaining()).isEqualTo(0.4);
    assertThatThrownBy(() -> b.reserve(0.5))
        .isInstanceOf(MoeError.BudgetExceeded.class)
        .hasMessageContaining("0.4");
    r.settle(0.1);
    r.settle(0.9); // idempotent: the first settlement counts
    assertThat(b.used()).isEqualTo(0.1);
    assertThat(CostBudget.unlimited().canCover(1e12)).isTrue();
    assertThatThrownBy(() -> CostBudget.of(0)).hasMessageContaining("cost budget");
    assertThatThrownBy(() -> CostBudget.of(Double.NaN)).hasMessageContaining("cost budget");
    assertThatThrownBy(() -> b.reserve(-1)).hasMessageContaining(">= 0");
  }

  @Test
  void valuesCarryASchemaAndHelpers() {
    Value t = Value.text("hi");
    assertThat(((Value.Text) t).schema()).isEqualTo(Value.CURRENT_SCHEMA);
    assertThat(t.asText()).contains("hi");
    assertThat(t.asPlan()).isEmpty();
    Plan plan = new Plan("goal", List.of(new PlanStep("a", false), new PlanStep("b", true)));
    Value p = Value.plan(plan);
    assertThat(p.asPlan()).contains(plan);
    assertThat(p.render()).contains("1. [ ] a").contains("2. [x] b");
    assertThat(plan.isComplete()).isFalse();
    assertThat(plan.markDone(0).isComplete()).isTrue();
    Value j = Value.json(Value.CURRENT_SCHEMA, JsonNodeFactory.instance.objectNode().put("k", 1));
    assertThat(j.asJson().orElseThrow().get("k").asInt()).isEqualTo(1);
    assertThat(Value.embedding(new float[] {1, 2})).isEqualTo(Value.embedding(new float[] {1, 2}));
    assertThat(Value.none("no expert").isNone()).isTrue();
    assertThat(Value.none("no expert").render()).contains("no expert");
  }

  @Test
  void inputsAndEncodingsAreValidated() {
    assertThat(InputData.text("x").asText()).contains("x");
    assertThat(InputData.features(1f, 2f).asText()).isEmpty();
    assertThat(InputData.bytes("é".getBytes(java.nio.charset.StandardCharsets.UTF_8)).toText())
        .isEqualTo("é");
    assertThatThrownBy(() -> InputData.bytes(new byte[0]))
        .isInstanceOf(MoeError.InvalidInput.class);
    assertThatThrownBy(() -> new Encoded(new float[] {Float.NaN}))
        .isInstanceOf(MoeError.EncodeError.class);
    Encoder enc = x -> new Encoded(new float[] {x.toText().length()});
    assertThat(enc.encodeAll(List.of(InputData.text("ab"), InputData.text("abc"))))
        .extracting(e -> e.get(0))
        .containsExactly(2f, 3f);
    RouterInput ri = RouterInput.encode(InputData.text("abcd"), enc);
    assertThat(ri).isInstanceOf(RouterInput.Encoded.class);
    assertThat(ri.source()).isEqualTo(InputData.text("abcd"));
  }

  @Test
  void traceIdsAreDistinctVersion4Uuids() {
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String id = Context.of(java.time.Duration.ofSeconds(1)).traceId();
      java.util.UUID u = java.util.UUID.fromString(id);
      assertThat(u.version()).isEqualTo(4);
      assertThat(u.variant()).isEqualTo(2);
      assertThat(seen.add(id)).isTrue();
    }
  }
}
