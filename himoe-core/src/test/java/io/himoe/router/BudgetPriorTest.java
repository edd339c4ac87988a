package io.himoe.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.himoe.experts.Expert;
import io.himoe.experts.ExpertOut;
import io.himoe.experts.ExpertRegistry;
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

/** Budgets that hold from the first request: fresh experts are reserved at their declared bound. */
class BudgetPriorTest {

  /** Charges {@code cost} per answer and declares it as its bound, with no statistics yet. */
  static final class Priced implements Expert {
    final String name;
    final double cost;
    final AtomicInteger calls = new AtomicInteger();

    Priced(String name, double cost) {
      this.name = name;
      this.cost = cost;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public double canHandle(String task) {
      return 0.5;
    }

    @Override
    public double costBound(InputData input) {
      return cost;
    }

    @Override
    public ExpertOut infer(InputData input, Context ctx) {
      calls.incrementAndGet();
      return ExpertOut.of(Value.text(name), cost, 0.9);
    }
  }

  @Test
  void aFreshRequestNeverSpendsMoreThanItsBudget() {
    Priced a = new Priced("a", 0.7);
    Priced b = new Priced("b", 0.7);
    KeywordRouter r = KeywordRouter.builder("main", ExpertRegistry.of(a, b)).topK(2).build();
    CostBudget budget = CostBudget.of(1.0);
    Context c = Context.builder().budget(Duration.ofSeconds(1)).costBudget(budget).build();

    RouteResult res = r.route(InputData.text("x"), c);

    assertThat(res.picked()).hasSize(1);
    assertThat(res.shrink()).contains("cost budget");
    assertThat(a.calls.get() + b.calls.get()).isEqualTo(1);
    assertThat(budget.used()).isEqualTo(0.7);
  }

  @Test
  void twoHundredConcurrentFreshRequestsNeverOverspendASharedBudget() throws Exception {
    Priced paid = new Priced("paid", 1.0);
    KeywordRouter r = KeywordRouter.builder("main", ExpertRegistry.of(paid)).build();
    CostBudget shared = CostBudget.of(25.0);
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
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
  }

  @Test
  void anExpertCostingMoreThanObservedIsReservedAtTheLarger() {
    Priced p = new Priced("p", 0.4);
    ExpertRegistry reg = ExpertRegistry.of(p);
    // Observed mean 2.0 (an older, pricier period): the larger of mean and bound is reserved.
    reg.stats(reg.byName("p").orElseThrow().id()).recordAnswer(1, 2.0);
    CostBudget budget = CostBudget.of(1.0);
    Context c = Context.builder().budget(Duration.ofSeconds(1)).costBudget(budget).build();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> KeywordRouter.builder("main", reg).build().route(InputData.text("x"), c))
        .isInstanceOf(MoeError.BudgetExceeded.class);
  }
}
