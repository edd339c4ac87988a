package io.himoe.shared;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

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

  // Set on tokens made by child(), so that they can be detached from their parent.
  private @Nullable CancelToken parent;
  private @Nullable Runnable parentCallback;

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
    Runnable cb = child::cancel;
    child.parent = this;
    child.parentCallback = cb;
    onCancel(cb);
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
   * @return a handle that unregisters the callback when run (for long-lived tokens)
   */
  public Runnable onCancel(Runnable callback) {
    synchronized (this) {
      if (!cancelled) {
        callbacks.add(callback);
        return () -> removeCallback(callback);
      }
    }
    callback.run();
    return () -> {};
  }

  /**
   * Detaches a token made by {@link #child()} from its parent, so that a long-lived parent does not
   * keep finished children alive; a no-op for other tokens.
   */
  public void detach() {
    CancelToken p = parent;
    Runnable callback = parentCallback;
    if (p != null && callback != null) {
      p.removeCallback(callback);
      parent = null;
    }
  }

  private synchronized void removeCallback(Runnable callback) {
    if (!cancelled) {
      // Identity removal: the list holds few entries, newest last.
      for (int i = callbacks.size() - 1; i >= 0; i--) {
        if (callbacks.get(i) == callback) {
          callbacks.remove(i);
          return;
        }
      }
    }
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
