package io.himoe.server.assembly;

import io.himoe.experts.Expert;
import io.himoe.experts.ExpertRef;
import io.himoe.experts.ExpertRegistry;
import io.himoe.experts.ExpertStats;
import io.himoe.experts.llm.LlmExpert;
import io.himoe.experts.management.ExpertManager;
import io.himoe.experts.management.FallbackChain;
import io.himoe.server.config.ExpertSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The experts of a running assembly and the routers' registries over them: one {@link ExpertStack}
 * per expert (built once, shared by every router that calls it, so bulkheads, breakers and caches
 * are per expert), added and removed at run time, listed with live statistics.
 */
final class ExpertCatalog {

  private static final Logger LOG = LoggerFactory.getLogger(ExpertCatalog.class);

  private final StackBuilder builder;
  private final ExpertManager manager;
  private final Map<String, ExpertStack> stacks = new ConcurrentHashMap<>();
  private final Map<String, ExpertRegistry> registries = new LinkedHashMap<>();

  ExpertCatalog(StackBuilder builder, ExpertManager manager) {
    this.builder = builder;
    this.manager = manager;
  }

  /**
   * Builds every configured expert's stack, then puts each expert that has fallbacks at the head of
   * its fallback chain (the fallbacks' own stacks behind it).
   *
   * @param specs the configured experts
   */
  void buildAll(List<ExpertSpec> specs) {
    for (ExpertSpec spec : specs) {
      stacks.put(spec.name(), builder.build(spec));
    }
    for (ExpertSpec spec : specs) {
      List<String> fallbacks = spec.common().fallbacks();
      if (!fallbacks.isEmpty()) {
        List<Expert> chain = new ArrayList<>();
        chain.add(stack(spec.name()).guarded());
        // The validator refused a fallback that names no expert.
        fallbacks.forEach(f -> chain.add(stack(f).guarded()));
        stacks.computeIfPresent(
            spec.name(), (n, s) -> s.withRouted(FallbackChain.of(n, chain, this::expectedLatency)));
      }
    }
  }

  /** A fallback's expected latency: its observed p95, once it has answered. */
  private Optional<Duration> expectedLatency(Expert e) {
    return manager
        .health(e.name())
        .filter(h -> h.calls() > 0 && !Double.isNaN(h.p95LatencyMs()))
        .map(h -> Duration.ofMillis((long) Math.ceil(h.p95LatencyMs())));
  }

  /**
   * @param routerId a router
   * @param names the experts it gates over
   * @return its registry, holding those experts' stacks
   */
  ExpertRegistry registryFor(String routerId, List<String> names) {
    ExpertRegistry reg = ExpertRegistry.create();
    for (String n : names) {
      reg.register(routed(n));
    }
    registries.put(routerId, reg);
    return reg;
  }

  /**
   * @param name an expert
   * @return what routers call for it
   */
  Expert routed(String name) {
    return stack(name).routed();
  }

  private ExpertStack stack(String name) {
    return Objects.requireNonNull(stacks.get(name), () -> "no expert named " + name);
  }

  /**
   * @param name an expert
   * @return its spec
   */
  Optional<ExpertSpec> spec(String name) {
    return Optional.ofNullable(stacks.get(name)).map(ExpertStack::spec);
  }

  /**
   * @return the router ids, in configuration order
   */
  List<String> routerIds() {
    return List.copyOf(registries.keySet());
  }

  /**
   * @param routerId a router
   * @return whether it exists
   */
  boolean hasRouter(String routerId) {
    return registries.containsKey(routerId);
  }

  /**
   * @param routerId a router, or null for every router
   * @return whether an expert it gates over calls tools (an {@code llm} expert with {@code
   *     options.tools: true})
   */
  boolean callsTools(@Nullable String routerId) {
    return registries.entrySet().stream()
        .filter(e -> routerId == null || e.getKey().equals(routerId))
        .flatMap(e -> e.getValue().list().stream())
        .map(ref -> spec(ref.name()))
        .anyMatch(s -> s.orElse(null) instanceof ExpertSpec.Llm l && l.tools());
  }

  /**
   * @param routerId a router, or null for every router
   * @param input a request
   * @return the most one call of an expert behind it is expected to cost, in cost units: the
   *     largest over its experts of their declared bound ({@link Expert#costBound}) and their
   *     observed mean cost; 0 when no expert has a price or a cost observed
   */
  double costBound(@Nullable String routerId, io.himoe.shared.InputData input) {
    double most = 0;
    for (Map.Entry<String, ExpertRegistry> e : registries.entrySet()) {
      if (routerId != null && !e.getKey().equals(routerId)) {
        continue;
      }
      for (ExpertRef ref : e.getValue().list()) {
        double mean = e.getValue().findStats(ref.id()).map(ExpertStats::expectedCost).orElse(0.0);
        double bound = ref.expert().costBound(input);
        double call =
            Double.isNaN(bound) || !(bound >= 0) || Double.isInfinite(bound)
                ? mean
                : Math.max(bound, mean);
        most = Math.max(most, call);
      }
    }
    return most;
  }

  /**
   * @return every expert with its live statistics, in name order
   */
  List<Assembly.ExpertInfo> list() {
    Map<String, List<String>> routersOf = new LinkedHashMap<>();
    Map<String, long[]> counts = new LinkedHashMap<>();
    Map<String, double[]> expected = new LinkedHashMap<>();
    for (Map.Entry<String, ExpertRegistry> e : registries.entrySet()) {
      ExpertRegistry reg = e.getValue();
      for (ExpertRef ref : reg.list()) {
        routersOf.computeIfAbsent(ref.name(), k -> new ArrayList<>()).add(e.getKey());
        ExpertStats s = reg.stats(ref.id());
        long[] c = counts.computeIfAbsent(ref.name(), k -> new long[6]);
        c[0] += s.calls();
        c[1] += s.failures();
        c[2] += s.drops();
        c[3] += s.inFlight();
        c[4] += s.hedges();
        c[5] += s.hedgeWins();
        double[] x = expected.computeIfAbsent(ref.name(), k -> new double[2]);
        x[0] = Math.max(x[0], s.expectedLatencyMs());
        x[1] = Math.max(x[1], s.expectedCost());
      }
    }
    List<Assembly.ExpertInfo> out = new ArrayList<>();
    for (Map.Entry<String, ExpertStack> e :
        stacks.entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
      String name = e.getKey();
      ExpertStack stack = e.getValue();
      long[] c = counts.getOrDefault(name, new long[6]);
      double[] x = expected.getOrDefault(name, new double[2]);
      out.add(
          new Assembly.ExpertInfo(
              name,
              stack.spec().kind().id(),
              routersOf.getOrDefault(name, List.of()),
              c[0],
              c[1],
              c[2],
              (int) c[3],
              x[0],
              x[1],
              stack
                  .guard()
                  .circuitState()
                  .map(s -> s.name().toLowerCase(Locale.ROOT))
                  .orElse("none"),
              c[4],
              c[5],
              stack.bare() instanceof LlmExpert l ? l.modelHedges() : 0,
              stack.bare() instanceof LlmExpert l ? l.modelHedgeWins() : 0));
    }
    return out;
  }

  /**
   * @param spec an expert to add (its name free, no fallbacks)
   * @param routers the routers that gate over it, all known
   */
  synchronized void add(ExpertSpec spec, List<String> routers) {
    ExpertStack stack = builder.build(spec);
    stacks.put(spec.name(), stack);
    for (String r : routers) {
      Objects.requireNonNull(registries.get(r), () -> "no router named " + r)
          .register(stack.routed());
    }
  }

  /**
   * @param name an expert
   * @return whether it exists
   */
  boolean contains(String name) {
    return stacks.containsKey(name);
  }

  /**
   * Removes an expert from every router and closes it.
   *
   * @param name its name
   * @return whether it existed
   * @throws IllegalArgumentException if removing it would leave a router without experts
   */
  synchronized boolean remove(String name) {
    if (!stacks.containsKey(name)) {
      return false;
    }
    for (Map.Entry<String, ExpertRegistry> e : registries.entrySet()) {
      ExpertRegistry reg = e.getValue();
      if (reg.byName(name).isPresent() && reg.size() == 1) {
        throw new IllegalArgumentException(
            "expert '" + name + "' is the last expert of router '" + e.getKey() + "'");
      }
    }
    registries.values().forEach(reg -> reg.remove(name));
    ExpertStack gone = stacks.remove(name);
    gone.detach().run();
    manager.remove(name);
    closeQuietly(gone.bare());
    return true;
  }

  /**
   * @param name an expert
   * @return the expert as built, without wrappers (for warm-up)
   */
  Optional<Expert> bare(String name) {
    return Optional.ofNullable(stacks.get(name)).map(ExpertStack::bare);
  }

  /** Closes every expert that holds resources (indexes, model sessions). */
  void close() {
    stacks.values().forEach(s -> s.detach().run());
    stacks.values().forEach(s -> closeQuietly(s.bare()));
    stacks.clear();
  }

  private static void closeQuietly(Expert e) {
    if (e instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception ex) {
        LOG.warn("closing expert '{}': {}", e.name(), ex.toString());
      }
    }
  }
}
