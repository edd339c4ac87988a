package io.himoe.orchestrator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.himoe.router.RouteResult;
import io.himoe.router.Router;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.Plan;
import io.himoe.shared.PlanStep;
import io.himoe.shared.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The default orchestrator: ordered rules (a predicate on the input names a router), a default
 * router, shadow routers, and optional plan chaining — when a stage answers with a {@link
 * Value.Plan}, each pending step becomes a stage routed by the configured step router, and the
 * answer lists each step with its own answer. It counts shadow comparisons per shadow.
 */
public final class RuleOrchestrator implements Orchestrator {

  private record Rule(Predicate<InputData> when, String routerId) {}

  private final Map<String, RouterRef> routers;
  private final List<Rule> rules;
  private final String defaultRouter;
  private final List<String> shadowIds;
  private final ShadowJudge judge;
  private final @Nullable String stepRouter;
  private final Map<String, String> chains;
  private final Map<String, AtomicLong[]> shadowStats = new ConcurrentHashMap<>();

  private RuleOrchestrator(Builder b) {
    this.routers = Map.copyOf(b.routers);
    this.rules = List.copyOf(b.rules);
    // The first router added is the default unless one was named: never null once built.
    this.defaultRouter = Objects.requireNonNull(b.defaultRouter, "defaultRouter");
    this.shadowIds = List.copyOf(b.shadows);
    this.judge = b.judge;
    this.stepRouter = b.stepRouter;
    this.chains = Map.copyOf(b.chains);
  }

  /**
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public RouterRef chooseRouter(InputData input, Context ctx) {
    for (Rule r : rules) {
      if (r.when().test(input)) {
        return lookup(r.routerId());
      }
    }
    return lookup(defaultRouter);
  }

  /**
   * @param id a router id
   * @return the router
   * @throws MoeError.UnknownRouter if there is none with that id
   */
  public RouterRef lookup(String id) {
    RouterRef r = routers.get(id);
    if (r == null) {
      throw new MoeError.UnknownRouter(id, routers.keySet());
    }
    return r;
  }

  @Override
  public List<RouterRef> routers() {
    return List.copyOf(routers.values());
  }

  @Override
  public List<RouterRef> shadows(InputData input, RouterRef primary) {
    List<RouterRef> out = new ArrayList<>(shadowIds.size());
    for (String id : shadowIds) {
      if (!id.equals(primary.id())) {
        out.add(lookup(id));
      }
    }
    return out;
  }

  @Override
  public ShadowJudge shadowJudge() {
    return judge;
  }

  @Override
  public List<Stage> nextStages(InputData input, List<RouteResult> done, Context ctx) {
    RouteResult last = done.getLast();
    String then = chains.get(last.routerId());
    if (then != null && !(last.value() instanceof Value.Plan) && !last.value().isNone()) {
      // A pipeline: the previous stage's answer is the next stage's input.
      return List.of(
          new Stage(lookup(then), InputData.text(last.value().render()), "then " + then));
    }
    // Plans are expanded once: only the first stage's plan is routed step by step.
    if (stepRouter == null
        || done.size() != 1
        || !(done.getFirst().value() instanceof Value.Plan(int schema, Plan plan))) {
      return List.of();
    }
    RouterRef steps = lookup(stepRouter);
    List<Stage> out = new ArrayList<>();
    List<PlanStep> all = plan.steps();
    for (int i = 0; i < all.size(); i++) {
      if (!all.get(i).done()) {
        out.add(
            new Stage(
                steps,
                InputData.text(all.get(i).description()),
                "step " + (i + 1) + "/" + all.size()));
      }
    }
    return out;
  }

  @Override
  public Value synthesize(InputData input, List<RouteResult> stages, Context ctx) {
    return synthesize(input, stages, List.of(), ctx);
  }

  /**
   * A plan's answer lists each step with its status: {@code already done}, {@code answered} (with
   * the router and the answer), {@code failed} (with the router, the error and its code: the step's
   * router re-routed it as far as it could) or {@code not reached}; {@code failed_steps} counts the
   * failed ones. Other requests answer with the last completed stage's value.
   */
  @Override
  public Value synthesize(
      InputData input, List<RouteResult> stages, List<StageFailure> failed, Context ctx) {
    if (stages.size() + failed.size() == 1
        || !(stages.getFirst().value() instanceof Value.Plan(int s, Plan plan))) {
      return stages.getLast().value();
    }
    Map<Integer, StageFailure> failedAt = new java.util.HashMap<>();
    failed.forEach(f -> failedAt.put(f.position(), f));
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("goal", plan.goal());
    ArrayNode arr = root.putArray("steps");
    int position = 1;
    int nextResult = 1;
    for (PlanStep step : plan.steps()) {
      ObjectNode o = arr.addObject();
      o.put("step", step.description());
      if (step.done()) {
        o.put("status", "already done");
        continue;
      }
      StageFailure f = failedAt.get(position);
      if (f != null) {
        o.put("status", "failed");
        o.put("router", f.stage().router().id());
        o.put("error", f.error().getMessage());
        o.put("code", f.error().code());
        position++;
      } else if (nextResult < stages.size()) {
        RouteResult r = stages.get(nextResult++);
        o.put("status", "answered");
        o.put("router", r.routerId());
        o.put("answer", r.value().render());
        position++;
      } else {
        o.put("status", "not reached");
      }
    }
    if (!failed.isEmpty()) {
      root.put("failed_steps", failed.size());
    }
    return Value.json(Value.CURRENT_SCHEMA, root);
  }

  @Override
  public void feedback(OrchestrationFeedback feedback) {
    for (String id : feedback.shadowsCompared()) {
      stats(id)[0].incrementAndGet();
    }
    feedback.shadowBetter().ifPresent(id -> stats(id)[1].incrementAndGet());
  }

  /**
   * @param shadowId a shadow router's id
   * @return how often it was compared and how often it won, as {@code [compared, won]}
   */
  public long[] shadowRecord(String shadowId) {
    AtomicLong[] s = shadowStats.get(shadowId);
    return s == null ? new long[] {0, 0} : new long[] {s[0].get(), s[1].get()};
  }

  private AtomicLong[] stats(String id) {
    return shadowStats.computeIfAbsent(
        id, k -> new AtomicLong[] {new AtomicLong(), new AtomicLong()});
  }

  /** Builds a {@link RuleOrchestrator}. */
  public static final class Builder {
    private final Map<String, RouterRef> routers = new LinkedHashMap<>();
    private final List<Rule> rules = new ArrayList<>();
    private @Nullable String defaultRouter;
    private final List<String> shadows = new ArrayList<>();
    private ShadowJudge judge = ShadowJudge.byConfidence(0.05);
    private @Nullable String stepRouter;
    private final Map<String, String> chains = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Chains two routers: whenever a stage routed by {@code fromRouter} answers (with anything but
     * a plan or no result), its answer, as text, becomes the input of a stage routed by {@code
     * toRouter}. Chains may continue ({@code a -> b -> c}) up to the engine's stage-round limit.
     *
     * @param fromRouter the first router
     * @param toRouter the router that takes its output
     * @return this
     */
    public Builder chain(String fromRouter, String toRouter) {
      if (Objects.equals(fromRouter, toRouter)) {
        throw new IllegalArgumentException(
            "router '" + fromRouter + "' cannot be chained to itself");
      }
      chains.put(fromRouter, toRouter);
      return this;
    }

    /**
     * Adds a router under its own id; the first one added is the default unless one is set.
     *
     * @param router the router
     * @return this
     */
    public Builder router(Router router) {
      RouterRef ref = RouterRef.of(router);
      if (routers.putIfAbsent(ref.id(), ref) != null) {
        throw new IllegalArgumentException("duplicate router id '" + ref.id() + "'");
      }
      if (defaultRouter == null) {
        defaultRouter = ref.id();
      }
      return this;
    }

    /**
     * @param when a predicate on the input
     * @param routerId the router for inputs that match (rules are tried in order)
     * @return this
     */
    public Builder rule(Predicate<InputData> when, String routerId) {
      rules.add(new Rule(Objects.requireNonNull(when, "when"), routerId));
      return this;
    }

    /**
     * @param routerId the router for inputs that no rule matches
     * @return this
     */
    public Builder defaultRouter(String routerId) {
      this.defaultRouter = routerId;
      return this;
    }

    /**
     * @param routerId a router to run as a shadow after each answer
     * @return this
     */
    public Builder shadow(String routerId) {
      shadows.add(routerId);
      return this;
    }

    /**
     * @param judge compares a shadow's result with the primary's
     * @return this
     */
    public Builder shadowJudge(ShadowJudge judge) {
      this.judge = Objects.requireNonNull(judge, "judge");
      return this;
    }

    /**
     * @param routerId the router that handles each step of a plan returned by the first stage
     * @return this
     */
    public Builder planSteps(String routerId) {
      this.stepRouter = routerId;
      return this;
    }

    /**
     * @return the orchestrator
     * @throws IllegalArgumentException when there is no router, or a rule, the default, a shadow or
     *     the step router names an unknown router
     */
    public RuleOrchestrator build() {
      if (routers.isEmpty()) {
        throw new IllegalArgumentException("an orchestrator needs at least one router");
      }
      List<String> named = new ArrayList<>();
      rules.forEach(r -> named.add(r.routerId()));
      named.add(Objects.requireNonNull(defaultRouter, "defaultRouter"));
      named.addAll(shadows);
      Optional.ofNullable(stepRouter).ifPresent(named::add);
      chains.forEach(
          (from, to) -> {
            named.add(from);
            named.add(to);
          });
      for (String id : named) {
        if (!routers.containsKey(id)) {
          throw new IllegalArgumentException(
              "unknown router '" + id + "' (known: " + String.join(", ", routers.keySet()) + ")");
        }
      }
      return new RuleOrchestrator(this);
    }
  }
}
