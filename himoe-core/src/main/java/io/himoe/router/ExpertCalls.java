package io.himoe.router;

import io.himoe.experts.ExpertOut;
import io.himoe.experts.ExpertOutcome;
import io.himoe.experts.ExpertRef;
import io.himoe.experts.ExpertStats;
import io.himoe.experts.StreamingExpert;
import io.himoe.shared.CancelToken;
import io.himoe.shared.Context;
import io.himoe.shared.CpuMeter;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.TokenListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * Parallel expert calls: one virtual thread per expert, each with its own cancel token; the caller
 * waits until all have answered, the deadline passes or the request is cancelled. A single pick
 * that {@link io.himoe.experts.Expert#runsInline runs inline} is called on the caller's thread
 * instead ({@link #inline}), unless the call streams or is metered on another thread or under a CPU
 * budget. Calls still running then are interrupted, their token is cancelled, and they are reported
 * as dropped; a result that arrives afterwards is discarded. A request that streams ({@link
 * Context#streaming}) and calls a single {@link StreamingExpert} gets its tokens as they come; that
 * call runs on the caller's thread too ({@link InlineStream}: a timer drops it at the deadline),
 * unless it is metered. Work measured by a {@link CpuMeter} (shadow routers) calls on platform
 * threads instead, whose CPU time it counts. An exception from an expert is its failure (an
 * outcome); an {@link Error} is not (the JVM is out of memory or stack, a class is missing): it is
 * rethrown on the request's thread.
 */
final class ExpertCalls {

  private static final Thread.Builder.OfVirtual THREADS = Thread.ofVirtual().name("himoe-expert");

  /** About 50 µs of {@link Thread#onSpinWait()} on current x86 cores. */
  private static final int SPIN_LIMIT = 1500;

  private ExpertCalls() {}

  static final class Call implements Runnable {
    final ExpertRef ref;
    final ExpertStats stats;
    final InputData input;
    final Context ctx;
    // Told once, when the call's outcome is set (answered, failed or dropped).
    final Runnable done;
    // Where to stream, when this is the request's only call to a streaming expert; else null.
    final @Nullable TokenListener streamTo;
    final AtomicBoolean finished = new AtomicBoolean();
    final long startNanos = System.nanoTime();
    volatile @Nullable ExpertOutcome outcome;
    // An Error (out of memory, stack overflow, linkage) the expert threw: not an expert failure.
    volatile @Nullable Error fatal;
    // The thread running the call while it runs (guarded by this): a call dropped or outrun is
    // interrupted only then, so a pooled thread never gets an interrupt meant for an ended call.
    private @Nullable Thread runner;
    // The meter of the work that made this call (a shadow router's), or null (the request path).
    private @Nullable CpuMeter meter;
    // Whether this call interrupted its runner (guarded by this): a call run on its caller's
    // thread clears only its own interrupt, never one meant for the caller.
    private boolean interruptedRunner;

    Call(
        ExpertRef ref,
        ExpertStats stats,
        InputData input,
        Context ctx,
        Runnable done,
        @Nullable TokenListener streamTo) {
      this.ref = ref;
      this.stats = stats;
      this.input = input;
      this.ctx = ctx;
      this.done = done;
      this.streamTo = streamTo;
    }

    private ExpertOut answer() throws Exception {
      if (streamTo != null && ref.expert() instanceof StreamingExpert s) {
        // Tokens stop flowing the moment the call is dropped at the deadline or cancelled.
        return s.stream(
            input,
            ctx,
            token -> {
              if (!finished.get()) {
                streamTo.onToken(token);
              }
            });
      }
      return ref.expert().infer(input, ctx);
    }

    @Override
    public void run() {
      // On a thread of its own (or a pooled one): no interrupt may reach the thread's next task.
      runHere(true);
    }

    private synchronized void interrupt() {
      if (runner != null) {
        interruptedRunner = true;
        runner.interrupt();
      }
    }

    /**
     * Runs the call on the caller's thread, which {@link #drop} interrupts as it would the call's
     * own thread; afterwards only that interrupt is cleared (one from elsewhere stays set).
     */
    void runOnCaller() {
      runHere(false);
    }

    /**
     * Makes the call on this thread, which {@link #drop} interrupts while it runs. A call dropped
     * before it started starts interrupted, as a thread interrupted early would. Afterwards the
     * thread's interrupt is cleared: always ({@code clearAny}, a thread of the call's own), or only
     * when this call set it (the caller's thread: an interrupt from elsewhere stays set).
     */
    private void runHere(boolean clearAny) {
      synchronized (this) {
        runner = Thread.currentThread();
        if (finished.get()) {
          interruptedRunner = true;
          runner.interrupt();
        }
      }
      try {
        call();
      } finally {
        synchronized (this) {
          runner = null;
          if (clearAny || interruptedRunner) {
            Thread.interrupted();
          }
        }
      }
    }

    private void call() {
      // Under a meter, the expert's CPU time is counted before the outcome is told (a budget read
      // right after the call sees it).
      CpuMeter m = meter;
      ExpertOutcome o = m == null ? outcome() : m.measure(this::outcome);
      publish(o);
    }

    private ExpertOutcome outcome() {
      ExpertOutcome o;
      try {
        ExpertOut out = answer();
        long ms = elapsedMs();
        if (out == null) {
          o = failed(new MoeError.ExpertFailed(ref.name(), "returned no output"), ms);
        } else {
          o =
              new ExpertOutcome.Answered(
                  ref, new ExpertOut(out.value(), out.aux().measured(ms, ctx.traceId())));
        }
      } catch (MoeError.ExpertFailed e) {
        o = failed(e, elapsedMs());
      } catch (Exception e) {
        o = failed(new MoeError.ExpertFailed(ref.name(), e), elapsedMs());
      } catch (Error e) {
        // The JVM is in trouble, not the expert: the request rethrows it (as LlmExpert does).
        fatal = e;
        o = failed(new MoeError.ExpertFailed(ref.name(), e), elapsedMs());
      } finally {
        stats.exit();
      }
      return o;
    }

    private void publish(ExpertOutcome o) {
      if (finished.compareAndSet(false, true)) {
        outcome = o;
        if (o instanceof ExpertOutcome.Answered a) {
          stats.recordAnswer(a.latencyMs(), a.out().aux().costUnits());
        } else {
          stats.recordFailure(o.latencyMs());
        }
        stats.observedAt(ctx.clock().millis());
        done.run();
      }
      if (fatal != null) {
        // Also seen by this thread's uncaught-exception handler, should the request have left.
        throw fatal;
      }
    }

    private ExpertOutcome failed(MoeError.ExpertFailed e, long ms) {
      return new ExpertOutcome.Failed(ref, e, ms);
    }

    long elapsedMs() {
      return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** On the caller's thread: the call, then the verdict the parallel path's wait would give. */
    void runInline() {
      ExpertOutcome o = outcome();
      String late = lateReason(ctx);
      if (late != null) {
        dropLate(late);
      } else {
        publish(o);
      }
    }

    /**
     * @return why the parallel path's wait would have given up on a call of this request by now
     *     ("cancelled", "deadline"), or null while the request is live
     */
    private static @Nullable String lateReason(Context request) {
      return request.cancel().isCancelled() ? "cancelled" : request.isExpired() ? "deadline" : null;
    }

    /**
     * An inline call that ended (or could not start) after the request was cancelled or its
     * deadline passed: dropped and counted as {@link #drop} does, without cancelling the token (the
     * request's own) or interrupting the thread (the caller's).
     */
    private void dropLate(String reason) {
      markDropped(reason);
    }

    /** Called by the waiting router when it gives up on this call. */
    void drop(String reason) {
      if (markDropped(reason)) {
        ctx.cancel().cancel();
        interrupt();
      }
    }

    /**
     * @return whether this ended the call (not already finished): its outcome is then "dropped" for
     *     this reason, counted in the expert's statistics
     */
    private boolean markDropped(String reason) {
      if (!finished.compareAndSet(false, true)) {
        return false;
      }
      long ms = elapsedMs();
      outcome = new ExpertOutcome.Dropped(ref, reason, ms);
      stats.recordDrop(ms);
      stats.observedAt(ctx.clock().millis());
      return true;
    }

    /**
     * Counts the call as entered in its expert's statistics, unless the request (whose cancel token
     * and deadline are {@code request}'s) is already cancelled or past its deadline: then the call
     * is not made but dropped with that reason.
     *
     * @return whether to make the call
     */
    boolean enterUnlessLate(Context request) {
      stats.enter();
      String late = lateReason(request);
      if (late == null) {
        return true;
      }
      stats.exit();
      dropLate(late);
      return false;
    }

    /**
     * Cancels a hedged call whose rival answered first. Its statistics are left alone: being outrun
     * says nothing about the expert's latency or health.
     */
    void lose(String winner) {
      if (finished.compareAndSet(false, true)) {
        outcome =
            new ExpertOutcome.Dropped(ref, "hedge: " + winner + " answered first", elapsedMs());
        ctx.cancel().cancel();
        interrupt();
      }
    }

    boolean isFinished() {
      return finished.get();
    }

    /** On a virtual thread; under a meter, on one of its pooled platform threads. */
    void start(@Nullable CpuMeter meter) {
      this.meter = meter;
      if (meter == null) {
        THREADS.start(this);
      } else {
        CpuMeter.startCall(this);
      }
    }
  }

  /**
   * Fast experts (rules, caches, in-process models) often answer within microseconds; parking the
   * caller and being woken costs more than that (tens of microseconds on a VM whose idle vCPU has
   * halted). A platform-thread caller therefore spins for a bounded time (about 50 µs) before it
   * parks, but only when every called expert has been observed to answer in under a millisecond:
   * for slow experts the spin would only burn CPU. A virtual-thread caller never spins: it would
   * hold a carrier the experts need.
   */
  private static void spinBriefly(CountDownLatch done, List<ExpertStats> stats) {
    if (Thread.currentThread().isVirtual()) {
      return;
    }
    for (ExpertStats s : stats) {
      if (s.expectedLatencyMs() >= 1.0) {
        return;
      }
    }
    for (int i = 0; i < SPIN_LIMIT && done.getCount() > 0; i++) {
      Thread.onSpinWait();
    }
  }

  static List<ExpertOutcome> parallel(
      List<ExpertStats> stats, List<ExpertRef> picked, InputData input, Context ctx) {
    int n = picked.size();
    if (n == 1 && !ctx.streaming() && picked.getFirst().expert().runsInline()) {
      CpuMeter.checkBudget("call");
      CpuMeter m = CpuMeter.current();
      // A meter without a budget (a shadow run) that measures this platform thread counts the
      // call's CPU where it runs: no hand-off to a metered thread and back. A request with a CPU
      // budget keeps its metered thread, which the wait can abandon when the budget runs out.
      if (m == null || (!m.budget().isLimited() && m.measuresCurrentThread())) {
        return List.of(inline(stats.getFirst(), picked.getFirst(), input, ctx));
      }
    }
    TokenListener streamTo = n == 1 && ctx.streaming() ? ctx.tokens() : null;
    if (streamTo != null && picked.getFirst().expert() instanceof StreamingExpert) {
      CpuMeter.checkBudget("call");
      if (CpuMeter.current() == null) {
        return List.of(InlineStream.call(stats.getFirst(), picked.getFirst(), input, ctx));
      }
    }
    CountDownLatch done = new CountDownLatch(n);
    List<Call> calls = new ArrayList<>(n);
    CancelToken parent = ctx.cancel();
    // Cancelling the request releases the wait at once; unregistered when the wait ends. The calls'
    // own tokens are not registered with the request's: the waiting thread cancels every call
    // still running once the wait ends, which spares each call two trips through the request
    // token's lock (measurable with fast experts).
    Runnable unregister =
        parent.onCancel(
            () -> {
              for (int i = 0; i < n; i++) {
                done.countDown();
              }
            });
    // Under a CPU meter (shadow routers, requests with a CPU budget), calls run on platform threads
    // that count their CPU time; a request whose budget is spent calls no more experts.
    CpuMeter meter = CpuMeter.current();
    CpuMeter.checkBudget("call");
    try {
      for (int i = 0; i < n; i++) {
        // The expert's own context does not stream: only this call forwards tokens, and only
        // when it is the request's single call.
        Context callCtx = ctx.withCancel(CancelToken.create()).withoutTokens();
        Call c = new Call(picked.get(i), stats.get(i), input, callCtx, done::countDown, streamTo);
        c.stats.enter();
        calls.add(c);
      }
      for (Call c : calls) {
        c.start(meter);
      }
      try {
        spinBriefly(done, stats);
        long nanos = ctx.remaining().toNanos();
        if (nanos > 0) {
          done.await(nanos, TimeUnit.NANOSECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      // Whatever has not finished now is late (or the request was cancelled): drop it. A call
      // that already finished ignores this.
      String reason = parent.isCancelled() ? "cancelled" : "deadline";
      for (Call c : calls) {
        c.drop(reason);
      }
    } finally {
      unregister.run();
    }
    List<ExpertOutcome> out = new ArrayList<>(n);
    for (Call c : calls) {
      if (c.fatal != null) {
        throw c.fatal;
      }
      out.add(c.outcome);
    }
    CpuMeter.checkBudget("call");
    return out;
  }

  /**
   * One call of an expert that {@link io.himoe.experts.Expert#runsInline runs inline}, on this
   * thread: no thread started, no latch, no hand-off back. The expert gets the request's context
   * (its cancel token included). What the parallel path decides by racing the call against the
   * deadline is decided when the call returns: a call that starts after the request was cancelled
   * or its deadline passed is not made, and an answer that returns after either is dropped with the
   * same reason ("cancelled", "deadline") and the same statistics, so re-routing and the trace
   * follow as before. An {@link Error} is rethrown, as on the parallel path.
   */
  static ExpertOutcome inline(ExpertStats stats, ExpertRef ref, InputData input, Context ctx) {
    Call c = new Call(ref, stats, input, ctx, () -> {}, null);
    if (c.enterUnlessLate(ctx)) {
      c.runInline();
    }
    return outcomeOf(c);
  }

  /**
   * The second call of a hedge: an expert whose cost is already reserved, started only when the
   * first call is late.
   *
   * @param ref the expert
   * @param stats its statistics
   */
  record HedgePick(ExpertRef ref, ExpertStats stats) {}

  /**
   * Starts one call whose end is reported by putting the call on {@code events}.
   *
   * @return the call, running
   */
  static Call start(
      ExpertRef ref,
      ExpertStats stats,
      InputData input,
      Context ctx,
      java.util.concurrent.BlockingQueue<Object> events,
      @Nullable CpuMeter meter) {
    Context callCtx = ctx.withCancel(CancelToken.create()).withoutTokens();
    Call[] self = new Call[1];
    Call c = new Call(ref, stats, input, callCtx, () -> events.add(self[0]), null);
    self[0] = c;
    c.stats.enter();
    c.start(meter);
    return c;
  }

  /**
   * @return the call's outcome, once it has finished or been dropped
   * @throws Error what the expert threw when it was not an expert failure (out of memory, ...)
   */
  static ExpertOutcome outcomeOf(Call c) {
    Error fatal = c.fatal;
    if (fatal != null) {
      throw fatal;
    }
    return java.util.Objects.requireNonNull(c.outcome, "finished or dropped");
  }
}
