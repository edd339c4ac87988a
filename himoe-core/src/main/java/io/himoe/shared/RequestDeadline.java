package io.himoe.shared;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The deadline of the request whose work runs on this thread, for code that gets no {@link Context}
 * (an {@link Encoder} waiting for working memory). Bound with a {@link ScopedValue} around a
 * router's encode stage, so it never leaks to other requests.
 */
public final class RequestDeadline {

  private static final ScopedValue<Context> CURRENT = ScopedValue.newInstance();

  private RequestDeadline() {}

  /**
   * Runs work with the request's deadline visible to {@link #cap}.
   *
   * @param ctx the request
   * @param work the work
   * @param <T> its result
   * @return what the work returned
   */
  public static <T> T during(Context ctx, Supplier<T> work) {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(work, "work");
    return ScopedValue.where(CURRENT, ctx).call(work::get);
  }

  /**
   * @param wait the longest a caller would wait on its own
   * @return {@code wait}, or the time left to the current request's deadline when that is shorter
   *     (zero once it has passed); {@code wait} when no request is bound (start-up, fitting)
   */
  public static Duration cap(Duration wait) {
    if (!CURRENT.isBound()) {
      return wait;
    }
    Duration left = CURRENT.get().remaining();
    return left.compareTo(wait) < 0 ? left : wait;
  }
}
