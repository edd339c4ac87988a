package io.himoe.server.metrics;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.himoe.learning.metrics.GuardrailMonitor;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.store.StoreHealth;
import io.himoe.server.telemetry.BatchingConsoleAppender;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The server's own meters besides the engine's: JVM and process metrics (Micrometer's binders),
 * each expert's circuit breaker, seed 000's guardrails, the runtime's performance mode and the
 * feedback store's state. Every meter has a description, so every Prometheus family has its HELP.
 */
public final class ServerMetrics implements AutoCloseable {

  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final Map<String, List<FunctionCounter>> expertCounters = new ConcurrentHashMap<>();
  private final Assembly assembly;
  private final MeterRegistry registry;

  private ServerMetrics(MeterRegistry registry, Assembly assembly) {
    this.registry = registry;
    this.assembly = assembly;
  }

  /**
   * Configures the registry's meter filters (names and units by Prometheus conventions). Call it on
   * a new registry before any meter is registered: Micrometer applies a filter only to meters
   * registered after it, and warns when a meter came first.
   *
   * @param registry a registry with no meters yet
   */
  public static void applyConventions(MeterRegistry registry) {
    // Two of Micrometer's names break Prometheus conventions (promtool says so): a counter of
    // "ns" (process_cpu_usage says the same) and a gauge ending in "_count".
    registry.config().meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"));
    registry
        .config()
        .meterFilter(
            new MeterFilter() {
              @Override
              public Meter.Id map(Meter.Id id) {
                return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
              }
            });
    // Micrometer's JVM binders give units that repeat a word of the name
    // (jvm_threads_live_threads, process_files_open_files): the name says it already.
    registry
        .config()
        .meterFilter(
            new MeterFilter() {
              @Override
              public Meter.Id map(Meter.Id id) {
                String unit = id.getBaseUnit();
                return unit != null && List.of(id.getName().split("\\.")).contains(unit)
                    ? id.withBaseUnit(null)
                    : id;
              }
            });
    // resilience4j's failure and slow-call "rates" are percentages (-1 before min_calls): they are
    // exported by bind as ratios in [0, 1] instead, as Prometheus conventions ask.
    registry
        .config()
        .meterFilter(
            MeterFilter.deny(
                id ->
                    id.getName().endsWith("call.rate")
                        || id.getName().equals("resilience4j.circuitbreaker.failure.rate")));
  }

  /**
   * Registers the server's meters, on a registry whose filters {@link #applyConventions} set.
   *
   * @param registry where meters go
   * @param assembly the engine, experts and runtime
   * @param guardrails the guardrail monitor (an engine listener the caller adds)
   * @return the binders to close with the server
   */
  public static ServerMetrics bind(
      MeterRegistry registry, Assembly assembly, GuardrailMonitor guardrails) {
    ServerMetrics m = new ServerMetrics(registry, assembly);
    FunctionCounter.builder(
            "himoe.log.lines.dropped",
            BatchingConsoleAppender.class,
            c -> BatchingConsoleAppender.droppedLines())
        .description(
            "access-log lines dropped because standard error fell behind the traffic (the log's"
                + " queue was full); a request never waits for its log line")
        .register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    m.gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    // Each expert's circuit breaker (state, calls, failure rate), also for experts added later.
    io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(
            assembly.circuitBreakers())
        .bindTo(registry);
    breakerRatios(registry, assembly.circuitBreakers());
    // Seed 000's guardrails (calibration, drift, contradictions), read at scrape time.
    Gauge.builder("himoe.calibration.ece", guardrails, g -> g.report().ece())
        .description("expected calibration error of answer confidence against feedback")
        .register(registry);
    Gauge.builder("himoe.drift.psi", guardrails, g -> g.report().driftPsi())
        .description("PSI between the gate distributions of the last two windows")
        .register(registry);
    Gauge.builder("himoe.drift.alert", guardrails, g -> g.report().driftAlert() ? 1 : 0)
        .description("1 when the gate drift is over the alert threshold")
        .register(registry);
    Gauge.builder("himoe.contradiction", guardrails, g -> g.report().contradictionRate())
        .description("share of requests whose answering experts disagreed")
        .baseUnit("ratio")
        .register(registry);
    // Seed 003's performance mode of the latest request (0 eco, 1 balanced, 2 performance, 3 max).
    assembly
        .runtime()
        .ifPresent(
            rt ->
                Gauge.builder("himoe.runtime.mode", rt, r -> r.currentMode().ordinal())
                    .description("performance mode: 0 eco, 1 balanced, 2 performance, 3 maximum")
                    .register(registry));
    return m;
  }

  /**
   * The store's state (read at scrape time; cheap: no database access). The gauges hold {@code
   * health} strongly: callers pass a method reference nobody else keeps, and a weakly held one
   * (Micrometer's default) is collected at the next GC, after which every scrape says NaN.
   *
   * @param registry where meters go
   * @param health the store's latest state
   */
  public static void store(MeterRegistry registry, Supplier<StoreHealth> health) {
    Gauge.builder("himoe.store.up", health, h -> h.get().up() ? 1 : 0)
        .description("1 when the feedback store answered its latest use, 0 while it is down")
        .strongReference(true)
        .register(registry);
    Gauge.builder("himoe.store.queued.feedback", health, h -> h.get().queuedFeedback())
        .description("feedback waiting on local disk for the shared database to come back")
        .strongReference(true)
        .register(registry);
    Gauge.builder("himoe.store.log.position", health, h -> h.get().position())
        .description("id of the last shared feedback log entry this replica has trained on")
        .strongReference(true)
        .register(registry);
    Gauge.builder("himoe.store.state.version", health, h -> h.get().stateVersion())
        .description("version of the shared learned state this replica's state descends from")
        .strongReference(true)
        .register(registry);
  }

  private static void breakerRatios(MeterRegistry registry, CircuitBreakerRegistry breakers) {
    breakers.getAllCircuitBreakers().forEach(b -> breakerRatios(registry, b));
    breakers.getEventPublisher().onEntryAdded(e -> breakerRatios(registry, e.getAddedEntry()));
  }

  private static void breakerRatios(MeterRegistry registry, CircuitBreaker b) {
    Gauge.builder(
            "resilience4j.circuitbreaker.failure", b, x -> ratio(x.getMetrics().getFailureRate()))
        .description("share of failed calls in the breaker's window (NaN until min_calls)")
        .baseUnit("ratio")
        .tag("name", b.getName())
        .register(registry);
    Gauge.builder(
            "resilience4j.circuitbreaker.slow.call",
            b,
            x -> ratio(x.getMetrics().getSlowCallRate()))
        .description("share of slow calls in the breaker's window (NaN until min_calls)")
        .baseUnit("ratio")
        .tag("name", b.getName())
        .register(registry);
  }

  private static double ratio(float percent) {
    return percent < 0 ? Double.NaN : percent / 100.0;
  }

  /**
   * Registers, before a scrape, the call counters of experts added since the last one (and removes
   * those of removed experts): every call of every expert, in answered and failed requests alike,
   * read from the experts' live statistics.
   */
  public void beforeScrape() {
    Set<String> names = new HashSet<>();
    for (Assembly.ExpertInfo e : assembly.experts()) {
      names.add(e.name());
      expertCounters.computeIfAbsent(e.name(), this::outcomeCounters);
    }
    expertCounters
        .entrySet()
        .removeIf(
            e -> {
              if (names.contains(e.getKey())) {
                return false;
              }
              e.getValue().forEach(registry::remove);
              return true;
            });
  }

  private List<FunctionCounter> outcomeCounters(String name) {
    List<FunctionCounter> out = new ArrayList<>();
    for (String outcome : List.of("answered", "failed", "dropped")) {
      out.add(
          FunctionCounter.builder("himoe.expert.outcomes", assembly, a -> outcome(a, name, outcome))
              .description(
                  "every call of each expert by outcome (answered, failed, dropped at a deadline),"
                      + " whether its request was answered or failed")
              .tag("expert", name)
              .tag("outcome", outcome)
              .register(registry));
    }
    out.add(
        FunctionCounter.builder("himoe.hedges.started", assembly, a -> hedges(a, name, false))
            .description(
                "hedged calls started on this expert because the expert picked first had not"
                    + " answered by its latency percentile")
            .tag("expert", name)
            .register(registry));
    out.add(
        FunctionCounter.builder(
                "himoe.model.hedges.started", assembly, a -> modelHedges(a, name, false))
            .description(
                "calls of this llm expert hedged to another of its models because the model called"
                    + " first had not answered by its latency percentile (options.hedge_percentile)")
            .tag("expert", name)
            .register(registry));
    out.add(
        FunctionCounter.builder("himoe.model.hedges.won", assembly, a -> modelHedges(a, name, true))
            .description(
                "model hedges of this llm expert whose answer came first and was used; the late"
                    + " model's call was cancelled")
            .tag("expert", name)
            .register(registry));
    out.add(
        FunctionCounter.builder("himoe.hedges.won", assembly, a -> hedges(a, name, true))
            .description(
                "hedged calls of this expert whose answer came first (with the re-route"
                    + " confidence floor) and was used; the late first call was cancelled")
            .tag("expert", name)
            .register(registry));
    return out;
  }

  private static double modelHedges(Assembly a, String name, boolean won) {
    for (Assembly.ExpertInfo e : a.experts()) {
      if (e.name().equals(name)) {
        return won ? e.modelHedgeWins() : e.modelHedges();
      }
    }
    return 0;
  }

  private static double hedges(Assembly a, String name, boolean won) {
    for (Assembly.ExpertInfo e : a.experts()) {
      if (e.name().equals(name)) {
        return won ? e.hedgeWins() : e.hedges();
      }
    }
    return 0;
  }

  private static double outcome(Assembly a, String name, String outcome) {
    for (Assembly.ExpertInfo e : a.experts()) {
      if (e.name().equals(name)) {
        return switch (outcome) {
          case "failed" -> e.failures();
          case "dropped" -> e.drops();
          default -> e.calls() - e.failures() - e.drops();
        };
      }
    }
    return 0;
  }

  /** Stops the GC listener. */
  @Override
  public void close() {
    gc.close();
  }
}
