package io.himoe.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.himoe.server.store.StoreHealth;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.ref.WeakReference;
import org.junit.jupiter.api.Test;

/**
 * The store gauges keep reading the store after a garbage collection. The server registers them
 * with a method reference that nothing else holds; Micrometer holds a gauge's object weakly by
 * default, so without a strong reference the gauges read NaN after the next GC (seen on a replica's
 * /metrics: {@code himoe_store_up NaN}).
 */
class StoreGaugesTest {

  @Test
  void theStoreGaugesStillReadTheStoreAfterAGarbageCollection() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    StoreHealthSource source = new StoreHealthSource();
    ServerMetrics.store(registry, source::health);

    // Proof that a collection happened: a weakly held probe object is gone.
    WeakReference<Object> probe = new WeakReference<>(new Object());
    for (int i = 0; i < 50 && probe.get() != null; i++) {
      System.gc();
    }
    assertThat(probe.get()).as("no garbage collection happened").isNull();

    assertThat(registry.get("himoe.store.up").gauge().value()).isEqualTo(1.0);
    assertThat(registry.get("himoe.store.log.position").gauge().value()).isEqualTo(42.0);
    assertThat(registry.get("himoe.store.queued.feedback").gauge().value()).isEqualTo(3.0);
    assertThat(registry.get("himoe.store.state.version").gauge().value()).isEqualTo(7.0);
  }

  /** Stands for the server's feedback intake: the object the method reference is bound to. */
  static final class StoreHealthSource {
    StoreHealth health() {
      return new StoreHealth("postgres", true, 3, 42, 7);
    }
  }
}
