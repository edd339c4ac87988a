package io.himoe.server.loop;

import io.himoe.engine.EngineListener;
import io.himoe.router.Router;
import io.himoe.server.config.HimoeConfig;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The server's learning loop around the orchestrator: promotions (a router replaced by a better
 * one), shadow credit from feedback, and A/B experiments. The orchestrator asks it which router
 * serves a request ({@link #direct}) and which routers shadow a primary ({@link #shadowsOf}); the
 * engine tells it every answer and feedback ({@link #listeners}).
 */
public final class LearningLoop implements AutoCloseable {

  private final Promotions promotions;
  private final List<String> configuredShadows;
  private final ShadowCredits shadows;
  private final Experiments experiments;

  /**
   * @param config the configuration ({@code shadows}, {@code experiments})
   * @param routers a router by id
   * @param assignments where experiment units' arms are kept
   * @param clock the clock
   */
  public LearningLoop(
      HimoeConfig config,
      Function<String, Optional<Router>> routers,
      Assignments assignments,
      InstantSource clock) {
    // Promotions are learned state: saved beside the snapshot when there is one.
    String snapshot = config.learning().snapshotPath();
    java.util.Set<String> routerIds =
        config.routers().stream()
            .map(HimoeConfig.Router::id)
            .collect(Collectors.toUnmodifiableSet());
    this.promotions =
        snapshot == null
            ? Promotions.of(routerIds)
            : Promotions.savedIn(Path.of(snapshot + ".promotions.json"), routerIds);
    this.configuredShadows = config.shadows().routers();
    HimoeConfig.Shadows.Credit c = config.shadows().credit();
    this.shadows =
        new ShadowCredits(
            new ShadowCredits.Settings(
                c.enabled(),
                c.promote(),
                c.alpha(),
                c.minComparisons(),
                c.margin(),
                c.minSamples(),
                c.queue(),
                Duration.ofMillis(c.budgetMs())),
            routers,
            this::shadowsOf,
            promotions,
            clock);
    this.experiments =
        new Experiments(
            config.experiments(), assignments, promotions, clock, config.server().traceCapacity());
  }

  /**
   * @param chosen the router the orchestrator's rules chose
   * @param input the request
   * @param ctx its context
   * @return the router that serves it: the promoted replacement of {@code chosen}, then the arm of
   *     a running experiment
   */
  public String direct(String chosen, InputData input, Context ctx) {
    return experiments.direct(promotions.resolve(chosen), input, ctx);
  }

  /**
   * @param primary a router serving a request
   * @return its shadows: the configured shadow routers other than itself, and the routers demoted
   *     in its favour
   */
  public List<String> shadowsOf(String primary) {
    List<String> out = new ArrayList<>();
    for (String s : configuredShadows) {
      if (!s.equals(primary)) {
        out.add(s);
      }
    }
    for (String d : promotions.demotedFor(primary)) {
      if (!out.contains(d)) {
        out.add(d);
      }
    }
    return out;
  }

  /**
   * @return the engine listeners of the loop (shadow credit, experiments)
   */
  public List<EngineListener> listeners() {
    return List.of(shadows, experiments);
  }

  /**
   * @return the promotions in force
   */
  public Promotions promotions() {
    return promotions;
  }

  /**
   * @return the shadow credit
   */
  public ShadowCredits shadows() {
    return shadows;
  }

  /**
   * @return the experiments
   */
  public Experiments experiments() {
    return experiments;
  }

  /**
   * Keeps the A/B experiments' assignments in {@code store} from now on (see {@link
   * Experiments#useAssignments}); the default is {@link Assignments#inMemory} in this process.
   *
   * @param store the assignment store, e.g. one shared by the replicas
   */
  public void useAssignments(Assignments store) {
    experiments.useAssignments(store);
  }

  /**
   * Shares the promotions with the other replicas through {@code store} from now on (see {@link
   * Promotions#shareIn}); call {@link Promotions#refresh} periodically to adopt theirs.
   *
   * @param store the promotions store shared by the replicas
   */
  public void sharePromotions(Promotions.Shared store) {
    promotions.shareIn(store);
  }

  /**
   * @param m the registry to export the loop's metrics to
   */
  public void bindTo(MeterRegistry m) {
    shadows.bindTo(m);
    experiments.bindTo(m);
  }

  @Override
  public void close() {
    shadows.close();
  }
}
