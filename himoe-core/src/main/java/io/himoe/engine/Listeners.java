package io.himoe.engine;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/** The engine's listeners: each event reaches every one; one that throws harms no request. */
final class Listeners {

  private final List<EngineListener> listeners = new CopyOnWriteArrayList<>();
  private final RateLimitedLog log;

  Listeners(List<EngineListener> initial, RateLimitedLog log) {
    this.listeners.addAll(initial);
    this.log = log;
  }

  void add(EngineListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  void emit(EngineEvent event) {
    for (EngineListener l : listeners) {
      try {
        l.on(event);
      } catch (RuntimeException e) {
        log.warn(
            "listener:" + l.getClass().getName(),
            () ->
                "engine listener "
                    + l.getClass().getName()
                    + " threw on "
                    + event.getClass().getSimpleName()
                    + " of trace "
                    + event.traceId(),
            e);
      }
    }
  }
}
