package io.himoe.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.experts.ExpertOutcome;
import io.himoe.experts.ExpertRegistry;
import io.himoe.experts.TestExperts;
import io.himoe.shared.Context;
import io.himoe.shared.CostBudget;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.Value;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BudgetTest {

  @Test
  void topKShrinksWhenAnExpertIsExpectedToBeTooSlow() {
    var slow = new TestExperts.Constant("slow", Value.text("s"), 0.9, 0, "go");
    var quick = new TestExperts.Constant("quick", Value.text("q"), 0.9, 0, null);
    ExpertRegistry reg = ExpertRegistry.of(slow, quick);
    // What the router has observed: slow takes about 5 s.
    reg.stats(reg.byName("slow").orElseThrow().id()).recordAnswer(5_000, 0);
    KeywordRouter r = KeywordRouter.builder("main", reg).topK(2).build();
    RouteResult res = r.route(InputData.text("go"), Context.of(Duration.ofMillis(500)));
    assertThat(res.picked()).extracting(p -> p.name()).containsExactly("quick");
    assertThat(res.shrink()).contains("top-k 2 -> 1").contains("slow: time budget");
    assertThat(res.out().mix().dropCount()).isEqualTo(1);
    assertThat(slow.calls.get()).isZero();
  }

  @Test
  void whenNoneOfTopKFitsTheBestAffordableOtherIsCalled() {
    var slow = new TestExperts.Constant("slow", Value.text("s"), 0.9, 0, "go");
    var quick = new TestExperts.Constant("quick", Value.text("q"), 0.9, 0, null);
    ExpertRegistry reg = ExpertRegistry.of(slow, quick);
    reg.stats(reg.byName("slow").orElseThrow().id()).recordAnswer(5_000, 0);
    KeywordRouter r = KeywordRouter.builder("main", reg).topK(1).build();
    RouteResult res = r.route(InputData.text("go"), Context.of(Duration.ofMillis(500)));
    assertThat(res.value()).isEqualTo(Value.text("q"));
  }

  @Test
  void nothingAffordableIsABudgetError() {
    var dear = new TestExperts.Constant("dear", Value.text("d"), 0.9, 5.0, null);
    ExpertRegistry reg = ExpertRegistry.of(dear);
    reg.stats(reg.byName("dear").orElseThrow().id()).recordAnswer(1, 5.0);
    KeywordRouter r = KeywordRouter.builder("main", reg).build();
    Context c = Context.builder().budget(Duration.ofSeconds(1)).costBudget(1.0).build();
    assertThatThrownBy(() -> r.route(InputData.text("x"), c))
        .isInstanceOf(MoeError.BudgetExceeded.class)
        .hasMessageContaining("cost budget");
    var slow = new TestExperts.Constant("slow", Value.text("s"), 0.9, 0, null);
    ExpertRegistry reg2 = ExpertRegistry.of(slow);
    reg2.stats(reg2.byName("slow").orElseThrow().id()).recordAnswer(9_000, 0);
    assertThatThrownBy(
            () ->
                KeywordRouter.builder("m", reg2)
                    .build()
                    .route(InputData.text("x"), Context.of(Duration.ofMillis(100))))
        .isInstanceOf(MoeError.DeadlineExceeded.class)
        .hasMessageContaining("time budget");
  }

  /** Many concurrent requests share one cost budget: reservations keep them within it. */
  @Test
  void concurrentRequestsCannotOverspendASharedBudget() throws Exception {
    var paid = new TestExperts.Constant("paid", Value.text("p"), 0.9, 1.0, null);
    ExpertRegistry reg = ExpertRegistry.of(paid);
    reg.stats(reg.byName("paid").orElseThrow().id()).recordAnswer(1, 1.0);
    KeywordRouter r = KeywordRouter.builder("main", reg).build();
    CostBudget shared = CostBudget.of(25.0);
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      List<Future<?>> fs = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        fs.add(
            pool.submit(
                () -> {
                  Context c =
                      Context.builder().budget(Duration.ofSeconds(10)).costBudget(shared).build();
                  try {
                    r.route(InputData.text("x"), c);
                    ok.incrementAndGet();
                  } catch (MoeError.BudgetExceeded e) {
                    refused.incrementAndGet();
                  }
                }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    }
    assertThat(ok.get()).isEqualTo(25);
    assertThat(refused.get()).isEqualTo(175);
    assertThat(paid.calls.get()).isEqualTo(25);
    assertThat(shared.used()).isEqualTo(25.0);
    assertThat(shared.remaining()).isZero();
  }

  @Test
  void reservationsAreSettledWithTheActualCost() {
    var a = new TestExperts.Constant("a", Value.text("a"), 0.9, 0.5, null);
    ExpertRegistry reg = ExpertRegistry.of(a);
    reg.stats(reg.byName("a").orElseThrow().id()).recordAnswer(1, 2.0);
    CostBudget b = CostBudget.of(10);
    Context c = Context.builder().budget(Duration.ofSeconds(1)).costBudget(b).build();
    RouteResult res = KeywordRouter.builder("main", reg).build().route(InputData.text("x"), c);
    assertThat(res.outcomes()).singleElement().isInstanceOf(ExpertOutcome.Answered.class);
    // Reserved 2.0 (the expected cost), charged 0.5 (what it reported).
    assertThat(b.used()).isEqualTo(0.5);
  }
}
