package io.himoe.router;

import io.himoe.experts.ExpertOutcome;
import io.himoe.experts.ExpertRef;
import io.himoe.experts.ExpertStats;
import io.himoe.shared.CancelToken;
import io.himoe.shared.Context;
import io.himoe.shared.DeadlineTimer;
import io.himoe.shared.InputData;
import java.util.concurrent.ScheduledFuture;

/**
 * A streaming request's single call to a {@link io.himoe.experts.StreamingExpert}, made on the
 * request's own thread: no thread started for the call and no hand-off back when it ends (at
 * concurrency 1 each hand-off wakes an idle core). What the parallel path's waiting thread does is
 * done by others: cancelling the request drops the call at once (its callback), and a timer drops
 * it at the deadline ({@link DeadlineTimer}, shared with the LLM call's own guard). Dropping is the
 * parallel path's: the outcome is "cancelled" or "deadline", tokens stop at once, the call's own
 * cancel token is cancelled (an LLM call closes its connection) and the thread is interrupted. The
 * request then returns when the expert does, which an expert that honours its token or an interrupt
 * does at once; one that ignores both keeps the request (not its tokens) until it returns.
 */
final class InlineStream {

  private InlineStream() {}

  /**
   * @param stats the expert's statistics
   * @param ref the expert, a streaming one
   * @param input the input
   * @param ctx the request, which streams
   * @return the outcome, as {@link ExpertCalls#parallel} would give it for this single call
   * @throws Error what the expert threw when it was not an expert failure
   */
  static ExpertOutcome call(ExpertStats stats, ExpertRef ref, InputData input, Context ctx) {
    CancelToken request = ctx.cancel();
    // The expert gets a token of its own (not the request's): dropping the call cancels it.
    Context callCtx = ctx.withCancel(CancelToken.create()).withoutTokens();
    ExpertCalls.Call c = new ExpertCalls.Call(ref, stats, input, callCtx, () -> {}, ctx.tokens());
    if (!c.enterUnlessLate(ctx)) {
      return ExpertCalls.outcomeOf(c);
    }
    Runnable unregister = request.onCancel(() -> c.drop("cancelled"));
    ScheduledFuture<?> deadline =
        DeadlineTimer.schedule(() -> c.drop("deadline"), ctx.remaining().toNanos());
    try {
      c.runOnCaller();
    } finally {
      deadline.cancel(false);
      unregister.run();
    }
    return ExpertCalls.outcomeOf(c);
  }
}
