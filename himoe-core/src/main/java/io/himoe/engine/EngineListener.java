package io.himoe.engine;

/**
 * Observes the engine (metrics, logs, dashboards, learning). Called on the thread where the event
 * happened, so it must be quick; an exception it throws is logged (rate-limited) and does not reach
 * the request.
 */
@FunctionalInterface
public interface EngineListener {

  /**
   * @param event what happened
   */
  void on(EngineEvent event);
}
