package io.himoe.learning.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.himoe.experts.ExpertId;
import io.himoe.experts.ExpertRegistry;
import io.himoe.learning.Feedbacks;
import io.himoe.learning.HashingEncoder;
import io.himoe.learning.NamedExpert;
import io.himoe.learning.SyntheticIntents;
import io.himoe.learning.fit.LabelledText;
import io.himoe.router.RouteResult;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Routing and learning from many virtual threads at once: no lost update, no error. */
class ConcurrencyTest {

  @Test
  void parallelRoutingAndTraining() throws Exception {
    ExpertRegistry reg = ExpertRegistry.create();
    SyntheticIntents.INTENTS.forEach(n -> reg.register(new NamedExpert(n)));
    NeuralRouter router = NeuralRouter.builder("n", reg, new HashingEncoder(64)).build();
    List<LabelledText> data = SyntheticIntents.generate(50, 0, 3);
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> all =
          data.stream()
              .<Future<?>>map(
                  t ->
                      pool.submit(
                          () -> {
                            RouteResult r =
                                router.route(
                                    InputData.text(t.text()), Context.of(Duration.ofSeconds(10)));
                            router.trainSignal(
                                Feedbacks.of(
                                    r,
                                    OptionalDouble.empty(),
                                    Optional.of(ExpertId.of(t.label()))));
                          }))
              .toList();
      for (Future<?> f : all) {
        f.get();
      }
    }
    assertThat(router.gate().updates()).isEqualTo(data.size());
    double sum = 0;
    for (double f : router.gate().loadShares()) {
      sum += f;
    }
    assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
  }
}
