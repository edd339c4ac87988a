package io.himoe.runtime.integration;

import io.himoe.router.ForwardingRouter;
import io.himoe.router.RouteResult;
import io.himoe.router.Router;
import io.himoe.router.RouterConfig;
import io.himoe.runtime.RuntimeDecision;
import io.himoe.runtime.RuntimeManager;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import java.util.Objects;

/**
 * A router that asks the runtime for a mode once per request, stores the {@link RuntimeDecision} in
 * the request's memory (under {@link RuntimeDecision#CONTEXT_KEY}, where {@link RuntimeExpert}s
 * find it) and calls at most the mode's {@code maxTopK} experts. Gating, calls, aggregation and
 * learning are the wrapped router's (a custom {@code route} of the wrapped router is not used: the
 * core loop runs on a view with the capped top-k). Its {@link #config()} reports the top-k of the
 * current mode.
 */
public final class ModeCappedRouter extends ForwardingRouter {

  private final RuntimeManager runtime;

  private ModeCappedRouter(Router delegate, RuntimeManager runtime) {
    super(delegate);
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
  public RouterConfig config() {
    return capped(runtime.currentProfile().maxTopK());
  }

  @Override
  public RouteResult route(InputData input, Context ctx) {
    RuntimeDecision d = runtime.decide(input.toText());
    ctx.memory().put(RuntimeDecision.CONTEXT_KEY, d);
    RouterConfig config = capped(d.profile().maxTopK());
    // The wrapped router with this request's top-k; the core loop runs on it.
    Router view =
        new ForwardingRouter(delegate) {
          @Override
          public RouterConfig config() {
            return config;
          }
        };
    return view.route(input, ctx);
  }

  private RouterConfig capped(int maxTopK) {
    RouterConfig c = delegate.config();
    return c.topK() <= maxTopK ? c : c.withTopK(maxTopK);
  }
}
