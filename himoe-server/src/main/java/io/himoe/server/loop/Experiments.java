package io.himoe.server.loop;

import io.himoe.engine.EngineEvent;
import io.himoe.engine.EngineListener;
import io.himoe.learning.stats.AlwaysValidPValue;
import io.himoe.learning.stats.ConfidenceInterval;
import io.himoe.router.RouterFeedback;
import io.himoe.server.config.HimoeConfig;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.TtlLruCache;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A/B rollouts between routers ({@code experiments:} in the configuration). A request the
 * orchestrator sends to one of an experiment's routers goes to the arm of its unit (its session,
 * its user, or the request itself): the arm is chosen once per unit by a hash of the experiment's
 * name and the unit's id over the arms' weights, and kept in {@link Assignments}, so a unit stays
 * in its arm. Each arm's requests, answers, cost, latency and the rewards of the feedback on them
 * are counted; a sequential test compares each arm with the control (the first arm): two one-sided
 * mSPRTs for the difference of mean rewards (better, worse), combined into an always-valid
 * two-sided p-value valid however often it is looked at, and the posterior probability that each
 * arm is best. Stop and promote are actions of the admin API. Thread-safe.
 */
public final class Experiments implements EngineListener {

  /** Request-memory key of the session id a request belongs to (for {@code unit: session}). */
  public static final String SESSION_KEY = "himoe.experiment-session";

  /**
   * Mixture variance τ² of the mSPRT: differences of mean reward of about 0.1 are what it seeks.
   */
  static final double TAU2 = 0.01;

  private static final Logger LOG = LoggerFactory.getLogger(Experiments.class);
  private static final String RULE =
      "an arm differs from the control when its always-valid p-value is <= alpha and both have at"
          + " least min_feedback rewards; the p-value stays valid however often it is looked at,"
          + " so the experiment may be stopped the first time this holds";

  /** An assignment of one request. */
  private record Assigned(Experiment experiment, int arm) {}

  /** One running (or ended) experiment. */
  private static final class Experiment {
    final HimoeConfig.Experiment spec;
    final ArmStats[] stats;
    final AlwaysValidPValue[] better;
    final AlwaysValidPValue[] worse;
    volatile String state = "running";
    volatile @Nullable String winner;

    Experiment(HimoeConfig.Experiment spec) {
      this.spec = spec;
      this.stats = new ArmStats[spec.arms().size()];
      this.better = new AlwaysValidPValue[spec.arms().size()];
      this.worse = new AlwaysValidPValue[spec.arms().size()];
      for (int i = 0; i < stats.length; i++) {
        stats[i] = new ArmStats();
        better[i] = new AlwaysValidPValue();
        worse[i] = new AlwaysValidPValue();
      }
    }

    /** Two-sided always-valid p-value of arm i against the control (both one-sided tests). */
    double pValue(int i) {
      return Math.min(1, 2 * Math.min(better[i].value(), worse[i].value()));
    }

    int armOf(String router) {
      for (int i = 0; i < spec.arms().size(); i++) {
        if (spec.arms().get(i).router().equals(router)) {
          return i;
        }
      }
      return -1;
    }
  }

  private final Map<String, Experiment> experiments = new LinkedHashMap<>();
  private volatile Assignments assignments;
  private final Promotions promotions;
  private final TtlLruCache<String, Assigned> byTrace;
  private final LongAdder storeFailures = new LongAdder();

  /**
   * @param specs the configured experiments (validated: at least two arms, known routers, a router
   *     in one experiment at most)
   * @param assignments where units' arms are kept
   * @param promotions where a promote action goes
   * @param clock the clock of the trace memory
   * @param traceCapacity requests remembered for their feedback (an hour at most)
   */
  public Experiments(
      List<HimoeConfig.Experiment> specs,
      Assignments assignments,
      Promotions promotions,
      InstantSource clock,
      int traceCapacity) {
    for (HimoeConfig.Experiment s : specs) {
      experiments.put(s.name(), new Experiment(s));
    }
    this.assignments = assignments;
    this.promotions = promotions;
    this.byTrace = new TtlLruCache<>(traceCapacity, Duration.ofHours(1), clock);
  }

  /**
   * Keeps the units' arms in {@code store} from now on, e.g. a store shared by the replicas so that
   * a unit keeps its arm whichever replica serves it. Units assigned before keep their arm through
   * the hash unless the weights changed since.
   *
   * @param store the assignment store
   */
  public void useAssignments(Assignments store) {
    this.assignments = Objects.requireNonNull(store, "store");
  }

  /**
   * The stored arm of a unit; when the store fails (a database down), the hash's arm, which is the
   * stored one unless the weights changed: a request is never refused for an assignment.
   */
  private String assigned(Experiment e, String unit) {
    try {
      return assignments.assign(e.spec.name(), unit, () -> pick(e, unit));
    } catch (RuntimeException failed) {
      storeFailures.increment();
      LOG.warn(
          "experiment '{}': assignment store failed, arm by hash: {}",
          e.spec.name(),
          failed.toString());
      return pick(e, unit);
    }
  }

  /**
   * The router of a request in a running experiment.
   *
   * @param chosen the router the orchestrator chose (after promotions)
   * @param input the request
   * @param ctx its context (trace id, session)
   * @return its arm's router, or {@code chosen} when no running experiment has that router
   */
  public String direct(String chosen, InputData input, Context ctx) {
    for (Experiment e : experiments.values()) {
      if (!e.state.equals("running") || e.armOf(chosen) < 0) {
        continue;
      }
      Optional<String> named = unitId(e.spec.unit(), input, ctx);
      // A request without a session or user is its own unit: it is never seen again, so its arm
      // is the hash's and nothing is stored for it (a shared store would grow by a row each).
      String router = named.map(unit -> assigned(e, unit)).orElseGet(() -> pick(e, ctx.traceId()));
      int arm = e.armOf(router);
      if (arm < 0) {
        arm = 0; // the store remembers an arm the configuration no longer has
        router = e.spec.arms().getFirst().router();
      }
      e.stats[arm].assigned.incrementAndGet();
      byTrace.put(ctx.traceId(), new Assigned(e, arm));
      return router;
    }
    return chosen;
  }

  /** The unit a request belongs to, when it can be seen again (a session or a user). */
  private static Optional<String> unitId(String unit, InputData input, Context ctx) {
    Optional<String> session =
        ctx.memory().get(SESSION_KEY).filter(String.class::isInstance).map(String.class::cast);
    return switch (unit) {
      case "session" -> session.or(() -> input.params().user()).map(s -> "s:" + s);
      case "user" -> input.params().user().map(u -> "u:" + u);
      default -> Optional.empty();
    };
  }

  /** The arm a unit falls in: a hash of (experiment, unit) placed on the cumulative weights. */
  static String pick(HimoeConfig.Experiment spec, String unit) {
    double u = unitPoint(spec.name(), unit);
    double total = 0;
    for (HimoeConfig.Experiment.Arm a : spec.arms()) {
      total += a.weight();
    }
    double acc = 0;
    for (HimoeConfig.Experiment.Arm a : spec.arms()) {
      acc += a.weight() / total;
      if (u < acc) {
        return a.router();
      }
    }
    return spec.arms().getLast().router();
  }

  private static String pick(Experiment e, String unit) {
    return pick(e.spec, unit);
  }

  /** A point in [0, 1) from FNV-1a 64 of the ids, finished by SplitMix64: same on every replica. */
  static double unitPoint(String experiment, String unit) {
    long h = 0xcbf29ce484222325L;
    for (byte b : (experiment + "\u0000" + unit).getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    h += 0x9E3779B97F4A7C15L;
    h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
    h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
    h ^= h >>> 31;
    return (h >>> 11) * 0x1.0p-53;
  }

  @Override
  public void on(EngineEvent event) {
    switch (event) {
      case EngineEvent.Answered a ->
          byTrace
              .get(a.traceId())
              .ifPresent(
                  as -> {
                    ArmStats s = as.experiment().stats[as.arm()];
                    s.answered.incrementAndGet();
                    s.cost.add(a.answer().trace().costUnits());
                    s.latencyMs.add(a.answer().trace().latencyMs());
                  });
      case EngineEvent.FeedbackApplied f -> reward(f.routerId(), f.feedback());
      default -> {}
    }
  }

  private void reward(String routerId, RouterFeedback f) {
    Optional<Assigned> as = byTrace.get(f.traceId());
    if (as.isEmpty()) {
      return;
    }
    Experiment e = as.get().experiment();
    int arm = as.get().arm();
    if (!e.spec.arms().get(arm).router().equals(routerId)) {
      return; // a later stage's router: the arm's own feedback is the one that counts
    }
    double r;
    if (f.reward().isPresent()) {
      r = f.reward().getAsDouble();
    } else if (f.target().isPresent()) {
      r = f.chosen().contains(f.target().get()) ? 1 : 0;
    } else {
      return;
    }
    e.stats[arm].reward(r);
    updateTests(e);
  }

  private static void updateTests(Experiment e) {
    ArmStats control = e.stats[0];
    for (int i = 1; i < e.stats.length; i++) {
      ArmStats s = e.stats[i];
      if (s.feedbacks() < 2 || control.feedbacks() < 2) {
        continue;
      }
      double v = s.variance() / s.feedbacks() + control.variance() / control.feedbacks();
      double d = s.mean() - control.mean();
      e.better[i].observe(AlwaysValidPValue.meanDifferenceAboveZeroLogRatio(d, v, TAU2));
      e.worse[i].observe(AlwaysValidPValue.meanDifferenceAboveZeroLogRatio(-d, v, TAU2));
    }
  }

  /**
   * @return every experiment's view, in configuration order
   */
  public List<ExperimentView> views() {
    List<ExperimentView> out = new ArrayList<>();
    for (Experiment e : experiments.values()) {
      out.add(view(e));
    }
    return out;
  }

  /**
   * @param name an experiment's name
   * @return its view
   */
  public Optional<ExperimentView> view(String name) {
    return Optional.ofNullable(experiments.get(name)).map(Experiments::view);
  }

  /**
   * Stops an experiment: its requests go where the orchestrator sends them again; its figures stay.
   *
   * @param name the experiment
   * @return its view
   * @throws IllegalArgumentException if there is no such experiment
   */
  public ExperimentView stop(String name) {
    Experiment e = get(name);
    e.state = "stopped";
    LOG.info("experiment '{}' stopped: {}", name, view(e).decision());
    return view(e);
  }

  /**
   * Promotes an arm: the requests of every arm go to it from now on.
   *
   * @param name the experiment
   * @param router the arm to promote
   * @return the experiment's view
   * @throws IllegalArgumentException if there is no such experiment or arm
   */
  public ExperimentView promote(String name, String router) {
    Experiment e = get(name);
    if (e.armOf(router) < 0) {
      throw new IllegalArgumentException(
          "router: '"
              + router
              + "' is not an arm of experiment '"
              + name
              + "' (arms: "
              + String.join(", ", e.spec.arms().stream().map(a -> a.router()).toList())
              + ")");
    }
    for (HimoeConfig.Experiment.Arm a : e.spec.arms()) {
      if (!a.router().equals(router)) {
        promotions.promote(a.router(), router);
      }
    }
    e.winner = router;
    e.state = "promoted";
    LOG.info("experiment '{}': '{}' promoted; {}", name, router, view(e).decision());
    return view(e);
  }

  private Experiment get(String name) {
    Experiment e = experiments.get(name);
    if (e == null) {
      throw new IllegalArgumentException(
          "name: no experiment '"
              + name
              + "' (known: "
              + String.join(", ", experiments.keySet())
              + ")");
    }
    return e;
  }

  private static ExperimentView view(Experiment e) {
    int k = e.stats.length;
    double[] best = probabilityBest(e);
    List<ExperimentView.Arm> arms = new ArrayList<>(k);
    for (int i = 0; i < k; i++) {
      ArmStats s = e.stats[i];
      long n = s.feedbacks();
      long answered = s.answered.get();
      arms.add(
          new ExperimentView.Arm(
              e.spec.arms().get(i).router(),
              e.spec.arms().get(i).weight(),
              s.assigned.get(),
              answered,
              n,
              n == 0 ? null : s.mean(),
              n < 2
                  ? null
                  : ConfidenceInterval.ofMean(s.mean(), s.variance(), n, ConfidenceInterval.Z95),
              answered == 0 ? null : s.cost.sum() / answered,
              answered == 0 ? null : s.latencyMs.sum() / answered,
              i == 0 ? null : e.pValue(i),
              best == null ? null : best[i]));
    }
    return new ExperimentView(
        e.spec.name(),
        e.spec.unit(),
        e.state,
        e.winner,
        e.spec.alpha(),
        e.spec.minFeedback(),
        arms,
        decision(e),
        RULE);
  }

  private static String decision(Experiment e) {
    ArmStats control = e.stats[0];
    String c = e.spec.arms().getFirst().router();
    String out = "keep running: no arm differs from '" + c + "' yet";
    double bestP = 1;
    for (int i = 1; i < e.stats.length; i++) {
      ArmStats s = e.stats[i];
      double p = e.pValue(i);
      if (p <= e.spec.alpha()
          && s.feedbacks() >= e.spec.minFeedback()
          && control.feedbacks() >= e.spec.minFeedback()
          && p < bestP) {
        bestP = p;
        String r = e.spec.arms().get(i).router();
        // The direction is that of the one-sided test that crossed, not of the current means.
        out =
            e.better[i].value() <= e.worse[i].value()
                ? String.format(
                    "'%s' is better than '%s' (mean reward %.3f vs %.3f, p = %.2g): promote it",
                    r, c, s.mean(), control.mean(), p)
                : String.format(
                    "'%s' is worse than '%s' (mean reward %.3f vs %.3f, p = %.2g): stop",
                    r, c, s.mean(), control.mean(), p);
      }
    }
    return out;
  }

  /**
   * Monte Carlo over normal posteriors of the mean rewards, seeded: the same figures every time.
   */
  private static double @Nullable [] probabilityBest(Experiment e) {
    int k = e.stats.length;
    double[] mean = new double[k];
    double[] sd = new double[k];
    for (int i = 0; i < k; i++) {
      long n = e.stats[i].feedbacks();
      if (n < 2) {
        return null;
      }
      mean[i] = e.stats[i].mean();
      sd[i] = Math.sqrt(e.stats[i].variance() / n);
    }
    SplittableRandom rnd = new SplittableRandom(42);
    int draws = 4000;
    double[] wins = new double[k];
    for (int d = 0; d < draws; d++) {
      int arg = 0;
      double top = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < k; i++) {
        double x = mean[i] + sd[i] * gaussian(rnd);
        if (x > top) {
          top = x;
          arg = i;
        }
      }
      wins[arg]++;
    }
    for (int i = 0; i < k; i++) {
      wins[i] /= draws;
    }
    return wins;
  }

  private static double gaussian(SplittableRandom rnd) {
    double u = 1 - rnd.nextDouble();
    double v = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /**
   * Exports per experiment and arm {@code himoe_experiment_requests_total}, {@code
   * himoe_experiment_answers_total}, {@code himoe_experiment_feedback_total}, {@code
   * himoe_experiment_reward_total} (sum of rewards), {@code himoe_experiment_cost_units_total} and
   * {@code himoe_experiment_latency_seconds_total} (divide by the answers for the means), and
   * {@code himoe_experiment_assignment_failures_total} (assignments the store failed, made by
   * hash).
   *
   * @param m the registry
   */
  public void bindTo(MeterRegistry m) {
    FunctionCounter.builder(
            "himoe.experiment.assignment.failures", storeFailures, LongAdder::doubleValue)
        .description("assignments the store failed to keep, made by hash instead")
        .register(m);
    for (Experiment e : experiments.values()) {
      for (int i = 0; i < e.stats.length; i++) {
        ArmStats s = e.stats[i];
        String exp = e.spec.name();
        String arm = e.spec.arms().get(i).router();
        counter(
            m,
            "himoe.experiment.requests",
            "requests assigned to the arm",
            exp,
            arm,
            s,
            x -> x.assigned.get());
        counter(
            m,
            "himoe.experiment.answers",
            "requests the arm answered",
            exp,
            arm,
            s,
            x -> x.answered.get());
        counter(
            m, "himoe.experiment.feedback", "rewards received", exp, arm, s, ArmStats::feedbacks);
        counter(
            m,
            "himoe.experiment.reward",
            "sum of the rewards received",
            exp,
            arm,
            s,
            ArmStats::rewardSum);
        counter(
            m,
            "himoe.experiment.cost.units",
            "cost of the arm's answers",
            exp,
            arm,
            s,
            x -> x.cost.sum());
        counter(
            m,
            "himoe.experiment.latency.seconds",
            "latency of the arm's answers, summed",
            exp,
            arm,
            s,
            x -> x.latencyMs.sum() / 1000);
      }
    }
  }

  private static void counter(
      MeterRegistry m,
      String name,
      String description,
      String experiment,
      String arm,
      ArmStats s,
      java.util.function.ToDoubleFunction<ArmStats> f) {
    FunctionCounter.builder(name, s, f)
        .description(description)
        .tag("experiment", experiment)
        .tag("arm", arm)
        .register(m);
  }
}
