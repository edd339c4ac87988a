package io.himoe.runtime.integration;

import io.himoe.experts.ExpertOutcome;
import io.himoe.experts.ExpertRef;
import io.himoe.experts.ExpertRegistry;
import io.himoe.router.GateScores;
import io.himoe.router.Router;
import io.himoe.router.RouterFeedback;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.RouterInput;
import java.util.List;
import java.util.Objects;

/** A router that forwards everything but its configuration to another. */
abstract class ForwardingRouter implements Router {

  final Router delegate;

  ForwardingRouter(Router delegate) {
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
  public java.util.Optional<String> gateVersion() {
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
