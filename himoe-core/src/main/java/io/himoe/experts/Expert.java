package io.himoe.experts;

import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import java.util.Optional;

/**
 * An expert: the only kind of component that answers a request. Experts are reached only through a
 * router; models, engines and indexes they use internally are dependencies, never experts of their
 * own.
 *
 * <p>{@link #infer} runs on its own virtual thread (unless the expert {@link #runsInline}), so
 * blocking code is fine. It must return promptly once the thread is interrupted or {@code
 * ctx.cancel()} is cancelled (check it in long loops); a call that outlives the request's deadline
 * is cancelled and counted as dropped.
 */
public interface Expert {

  /**
   * @return the expert's unique name; its {@link ExpertId} is a stable hash of it
   */
  String name();

  /**
   * Answers one input.
   *
   * @param input the input
   * @param ctx the request context (deadline, cost budget, trace id, cancel token)
   * @return the answer and its auxiliary data
   * @throws Exception any failure; the router turns it into a failed outcome
   */
  ExpertOut infer(InputData input, Context ctx) throws Exception;

  /**
   * A symbolic hint: how confident this expert is that it can handle a task (the input text or a
   * task tag such as {@code fr:tag}). Symbolic and hybrid routers use it.
   *
   * @param task the task text
   * @return a confidence in [0, 1]; 0 by default
   */
  default double canHandle(String task) {
    return 0.0;
  }

  /**
   * The most one call of this expert on {@code input} can cost, known before the call (from its
   * configuration: a price per call, or a price per token times the request's token ceiling), so
   * that a router reserves it from the cost budget before the expert has ever answered. A wrapper
   * must return its inner expert's plus what it adds.
   *
   * @param input the input the call would get
   * @return the upper bound in cost units, or {@link Double#NaN} when not known (the router then
   *     reserves the expert's observed mean cost)
   */
  default double costBound(InputData input) {
    return Double.NaN;
  }

  /**
   * Whether a call may run on the router's own thread instead of a thread of its own: true only for
   * an expert whose call is in-process, CPU-bound and short, with no network and no waiting (rules,
   * arithmetic, a local index or tagger). A router then calls a single such pick directly (no
   * thread started, no hand-off back) when nothing needs a separate thread: no CPU metering ({@code
   * budgets.cpu_ms}, shadow routers), no hedging, no streaming. It cannot abandon that call at the
   * deadline while it runs: an answer that returns after the deadline, or after the request was
   * cancelled, is dropped as it would have been (and re-routed the same way). The expert sees the
   * request's own cancel token. A wrapper must return its inner expert's, or false when it adds
   * waiting of its own (a time limit, a queue).
   *
   * @return false by default
   */
  default boolean runsInline() {
    return false;
  }

  /**
   * The learner behind this expert, if it learns from feedback: itself when it is a {@link
   * LearningExpert}. A wrapper (guard, runtime mode, monitor) must return its inner expert's, so
   * that feedback reaches the expert through any stack of wrappers.
   *
   * @return the expert that learns from feedback on this expert's answers, or empty
   */
  default Optional<LearningExpert> asLearning() {
    return this instanceof LearningExpert l ? Optional.of(l) : Optional.empty();
  }
}
