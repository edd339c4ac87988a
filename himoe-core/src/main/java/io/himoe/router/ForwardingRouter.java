package io.himoe.router;

import io.himoe.experts.ExpertOutcome;
import io.himoe.experts.ExpertRef;
import io.himoe.experts.ExpertRegistry;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.RouterInput;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A router that forwards every call to another: a decorator overrides only what it changes (its
 * gate, its configuration), and the learning and load hooks ({@link #trainSignal}, {@link
 * #onRouted}, {@link #gateVersion}) can never be forgotten on the way to the inner router.
 */
public abstract class ForwardingRouter implements Router {

  /** The router every call goes to unless overridden. */
  protected final Router delegate;

  /**
   * @param delegate the router to forward to
   */
  protected ForwardingRouter(Router delegate) {
    this.delegate = Objects.requireNonNull(delegate, "router");
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
    return delegate.config();
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
  public void onRouted(List<ExpertRef> called) {
    delegate.onRouted(called);
  }

  @Override
  public Optional<String> gateVersion() {
    return delegate.gateVersion();
  }

  @Override
  public List<ExpertRef> pickTopK(GateScores weights, int k) {
    return delegate.pickTopK(weights, k);
  }

  @Override
  public List<ExpertOutcome> callExperts(List<ExpertRef> picked, InputData input, Context ctx) {
    return delegate.callExperts(picked, input, ctx);
  }
}
