package io.himoe.engine;

import io.himoe.router.RouterFeedback;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;

/** Observes the engine (metrics, logs, dashboards). Callbacks must be quick and not throw. */
public interface EngineListener {

  /**
   * @param input the request
   * @param answer its answer
   */
  default void onAnswer(InputData input, Answer answer) {}

  /**
   * @param input the request
   * @param traceId its trace id
   * @param error why it failed
   */
  default void onError(InputData input, String traceId, MoeError error) {}

  /**
   * @param report a shadow's result
   */
  default void onShadow(ShadowReport report) {}

  /**
   * @param routerId the router trained
   * @param feedback what it received
   */
  default void onFeedback(String routerId, RouterFeedback feedback) {}
}
