package io.himoe.experts.management;

import io.himoe.experts.Expert;
import io.himoe.experts.ExpertOut;
import io.himoe.experts.LearningExpert;
import io.himoe.experts.StreamingExpert;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.TokenListener;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the registry holds for a managed expert: the expert itself, measured. Every call's outcome
 * and latency go to the expert's {@link CallWindow}; a call cancelled by its caller says nothing
 * about the expert and is not counted.
 */
class MonitoredExpert implements Expert {

  final Expert delegate;
  final CallWindow window;
  final AtomicInteger inFlight = new AtomicInteger();

  MonitoredExpert(Expert delegate, CallWindow window) {
    this.delegate = delegate;
    this.window = window;
  }

  static MonitoredExpert of(Expert e, CallWindow window) {
    return e instanceof StreamingExpert s
        ? new MonitoredStreamingExpert(s, window)
        : new MonitoredExpert(e, window);
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public double canHandle(String task) {
    return delegate.canHandle(task);
  }

  @Override
  public Optional<LearningExpert> asLearning() {
    return delegate.asLearning();
  }

  @Override
  public ExpertOut infer(InputData input, Context ctx) throws Exception {
    return measure(() -> delegate.infer(input, ctx));
  }

  @FunctionalInterface
  interface Call {
    ExpertOut run() throws Exception;
  }

  ExpertOut measure(Call call) throws Exception {
    inFlight.incrementAndGet();
    long t0 = System.nanoTime();
    boolean ok = false;
    boolean cancelled = false;
    try {
      ExpertOut out = call.run();
      ok = true;
      return out;
    } catch (MoeError e) {
      // A cancel by the caller, a spent CPU budget or a client mistake says nothing about the
      // expert.
      cancelled =
          e instanceof MoeError.Cancelled
              || e instanceof MoeError.CpuBudgetExceeded
              || MoeError.isClientMistake(e);
      throw e;
    } finally {
      inFlight.decrementAndGet();
      if (!cancelled) {
        window.record(ok, (System.nanoTime() - t0) / 1_000_000);
      }
    }
  }

  @Override
  public String toString() {
    return "Monitored[" + delegate + "]";
  }

  /** The streaming form, so that streaming callers still find a {@link StreamingExpert}. */
  static final class MonitoredStreamingExpert extends MonitoredExpert implements StreamingExpert {

    private final StreamingExpert streaming;

    MonitoredStreamingExpert(StreamingExpert delegate, CallWindow window) {
      super(delegate, window);
      this.streaming = delegate;
    }

    @Override
    public ExpertOut stream(InputData input, Context ctx, TokenListener listener) throws Exception {
      return measure(() -> streaming.stream(input, ctx, listener));
    }
  }
}
