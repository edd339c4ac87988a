package io.himoe.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MetersTest {

  @Test
  void eachSetOfTagValuesIsRegisteredOnceWhicheverWayItIsLookedUp() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AtomicInteger registrations = new AtomicInteger();
    Meters<Counter> calls =
        new Meters<>(
            t -> {
              registrations.incrementAndGet();
              return Counter.builder("calls")
                  .tag("expert", t.get(0))
                  .tag("status", t.get(1))
                  .register(registry);
            });
    calls.get("math", "answered").increment();
    calls.get("math", "answered").increment();
    calls.get(new String[] {"math", "answered"}).increment();
    calls.get("math", "failed").increment();
    calls.get("plan", "answered").increment();

    assertThat(registrations).hasValue(3);
    assertThat(registry.get("calls").tag("expert", "math").tag("status", "answered").counter())
        .extracting(Counter::count)
        .isEqualTo(3.0);
    assertThat(registry.get("calls").tag("expert", "math").tag("status", "failed").counter())
        .extracting(Counter::count)
        .isEqualTo(1.0);
    assertThat(registry.get("calls").tag("expert", "plan").counter())
        .extracting(Counter::count)
        .isEqualTo(1.0);
  }

  @Test
  void oneTagAndNoTagFamiliesReuseTheirMeter() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Meters<Counter> byRouter =
        new Meters<>(t -> Counter.builder("by.router").tag("router", t.get(0)).register(registry));
    Meters<Counter> total = new Meters<>(t -> Counter.builder("total").register(registry));
    for (int i = 0; i < 3; i++) {
      byRouter.get("main").increment();
      total.get().increment();
    }
    byRouter.get(new String[] {"main"}).increment();

    assertThat(byRouter.get("main")).isSameAs(byRouter.get(new String[] {"main"}));
    assertThat(registry.get("by.router").tag("router", "main").counter().count()).isEqualTo(4.0);
    assertThat(registry.get("total").counter().count()).isEqualTo(3.0);
    assertThat(total.get()).isSameAs(total.get());
  }
}
