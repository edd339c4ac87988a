package io.himoe.runtime.integration;

import io.himoe.experts.ExpertOutcome;
import io.himoe.experts.ExpertRef;
import io.himoe.experts.ExpertRegistry;
import io.himoe.router.GateScores;
import io.himoe.router.RouteResult;
import io.himoe.router.Router;
import io.himoe.router.RouterConfig;
import io.himoe.router.RouterFeedback;
import io.himoe.runtime.RuntimeDecision;
import io.himoe.runtime.RuntimeManager;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.RouterInput;
import java.util.List;
import java.util.Objects;

/**
 * A router that asks the runtime for a mode once per request, stores the {@link RuntimeDecision} in
 * the request's memory (under {@link RuntimeDecision#CONTEXT_KEY}, where {@link RuntimeExpert}s
 * find it) and calls at most the mode's {@code maxTopK} experts. Gating, calls, aggregation and
 * learning are the wrapped router's. Its {@link #config()} reports the top-k of the current mode.
 */
public final class ModeCappedRouter implements Router {

  private final Router delegate;
  private final RuntimeManager runtime;

  private ModeCappedRouter(Router delegate, RuntimeManager runtime) {
    this.delegate = Objects.requireNonNull(delegate, "router");
    this.runtime = Objects.requireNonNull(runtime, "runtime");
  }

  /**
   * @param router the router
   * @param runtime the runtime deciding the mode
   * @return the capped router, with the same id
   */
  public static ModeCappedRouter wrap(Router router, RuntimeManager runtime) {
    return new ModeCappedRouter(router, runtime);
  }

  @Override
  public String id() {
    return delegate.id();
  }

  @Override
  public ExpertRegistry experts() {
    return delegate.experts();
  }

  @Override
  public RouterConfig config() {
    return capped(runtime.currentProfile().maxTopK());
  }

  @Override
  public GateScores gate(RouterInput input, Context ctx) {
    return delegate.gate(input, ctx);
  }

  @Override
  public void trainSignal(RouterFeedback feedback) {
    delegate.trainSignal(feedback);
  }

  @Override
  public List<ExpertRef> pickTopK(GateScores weights, int k) {
    return delegate.pickTopK(weights, k);
  }

  @Override
  public List<ExpertOutcome> callExperts(List<ExpertRef> picked, InputData input, Context ctx) {
    return delegate.callExperts(picked, input, ctx);
  }

  @Override
  public RouteResult route(InputData input, Context ctx) {
    RuntimeDecision d = runtime.decide(input.toText());
    ctx.memory().put(RuntimeDecision.CONTEXT_KEY, d);
    RouterConfig config = capped(d.profile().maxTopK());
    // A view of the wrapped router with this request's top-k; the core loop runs on it.
    Router view =
        new Router() {
          @Override
          public String id() {
            return delegate.id();
          }

          @Override
          public ExpertRegistry experts() {
            return delegate.experts();
          }

          @Override
          public RouterConfig config() {
            return config;
          }

          @Override
          public GateScores gate(RouterInput in, Context c) {
            return delegate.gate(in, c);
          }

          @Override
          public List<ExpertRef> pickTopK(GateScores weights, int k) {
            return delegate.pickTopK(weights, k);
          }

          @Override
          public List<ExpertOutcome> callExperts(List<ExpertRef> picked, InputData in, Context c) {
            return delegate.callExperts(picked, in, c);
          }
        };
    return view.route(input, ctx);
  }

  private RouterConfig capped(int maxTopK) {
    RouterConfig c = delegate.config();
    return c.topK() <= maxTopK ? c : c.withTopK(maxTopK);
  }
}
