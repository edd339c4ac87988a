package io.himoe.shared;

import java.util.ArrayList;
import java.util.List;

/**
 * A cooperative, thread-safe cancellation signal propagated through the pipeline (orchestrator,
 * router, experts). Components poll {@link #isCancelled()} or register an {@link #onCancel}
 * callback (e.g. to interrupt a thread or abort an HTTP call). A child token is cancelled with its
 * parent but can also be cancelled alone, which is how one late expert call is stopped without
 * cancelling the request.
 */
public final class CancelToken {

  private volatile boolean cancelled;
  private List<Runnable> callbacks = new ArrayList<>(2);

  private CancelToken() {}

  /**
   * @return a new, uncancelled token
   */
  public static CancelToken create() {
    return new CancelToken();
  }

  /**
   * @return a token that is cancelled when this one is
   */
  public CancelToken child() {
    CancelToken child = new CancelToken();
    onCancel(child::cancel);
    return child;
  }

  /** Signals cancellation and runs the registered callbacks once. Idempotent. */
  public void cancel() {
    List<Runnable> toRun;
    synchronized (this) {
      if (cancelled) {
        return;
      }
      cancelled = true;
      toRun = callbacks;
      callbacks = List.of();
    }
    RuntimeException first = null;
    for (Runnable r : toRun) {
      try {
        r.run();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /**
   * @return whether {@link #cancel()} was called on this token or an ancestor
   */
  public boolean isCancelled() {
    return cancelled;
  }

  /**
   * Registers a callback run on cancellation; runs it at once if already cancelled.
   *
   * @param callback what to do on cancel; must be quick and must not block
   */
  public void onCancel(Runnable callback) {
    synchronized (this) {
      if (!cancelled) {
        callbacks.add(callback);
        return;
      }
    }
    callback.run();
  }

  /**
   * Throws when cancelled: a convenient check point for loops in experts.
   *
   * @param stage where the check is made, for the message
   * @throws MoeError.Cancelled if cancelled
   */
  public void throwIfCancelled(String stage) {
    if (cancelled) {
      throw new MoeError.Cancelled(stage);
    }
  }
}
