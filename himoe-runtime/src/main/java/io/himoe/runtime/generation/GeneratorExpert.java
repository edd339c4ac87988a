package io.himoe.runtime.generation;

import io.himoe.experts.ExpertOut;
import io.himoe.runtime.RuntimeDecision;
import io.himoe.runtime.RuntimeManager;
import io.himoe.runtime.integration.ModeAwareExpert;
import io.himoe.runtime.mode.PerformanceProfile;
import io.himoe.shared.CancelToken;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.Value;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;

/**
 * The local generator as an expert: it streams a continuation of the input and answers with the
 * whole text. It starts in the request's mode (the decision a {@link
 * io.himoe.runtime.integration.ModeCappedRouter} stored, else a fresh one), follows mode changes
 * mid-stream, and stops when the request is cancelled or its thread interrupted (the router's
 * deadline), releasing its pool leases.
 */
public final class GeneratorExpert implements ModeAwareExpert {

  private final String name;
  private final LocalGenerator generator;
  private final RuntimeManager runtime;

  private GeneratorExpert(String name, LocalGenerator generator, RuntimeManager runtime) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("expert name is empty");
    }
    this.name = name;
    this.generator = Objects.requireNonNull(generator, "generator");
    this.runtime = Objects.requireNonNull(runtime, "runtime");
  }

  /**
   * @param name the expert's name
   * @param generator the generator
   * @param runtime the runtime the generator decides with
   * @return the expert
   */
  public static GeneratorExpert of(String name, LocalGenerator generator, RuntimeManager runtime) {
    return new GeneratorExpert(name, generator, runtime);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public ExpertOut infer(InputData input, Context ctx, PerformanceProfile profile)
      throws Exception {
    String prompt = input.toText();
    RuntimeDecision d = RuntimeDecision.of(ctx).orElseGet(() -> runtime.decide(prompt));
    CancelToken cancel = ctx.cancel().child();
    StringBuilder text = new StringBuilder();
    TokenStream stream = generator.stream(prompt, d, cancel);
    stream.subscribe(
        new Flow.Subscriber<String>() {
          @Override
          public void onSubscribe(Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
          }

          @Override
          public void onNext(String chunk) {
            synchronized (text) {
              text.append(chunk);
            }
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onComplete() {}
        });
    GenerationResult r;
    try {
      r = stream.done().get();
    } catch (InterruptedException e) {
      cancel.cancel();
      // Wait for the leases to be released before giving the thread back.
      stream.done().join();
      throw e;
    } catch (ExecutionException e) {
      throw new IllegalStateException("generation failed", e.getCause());
    } finally {
      cancel.detach();
    }
    if (r.stop() == GenerationResult.Stop.FAILED) {
      Throwable err = r.error().orElseThrow();
      throw err instanceof Exception ex ? ex : new IllegalStateException(err);
    }
    if (r.stop() == GenerationResult.Stop.CANCELLED) {
      throw new MoeError.Cancelled("generation after " + r.tokens() + " tokens");
    }
    synchronized (text) {
      return ExpertOut.of(Value.text(text.toString()), 0, 0.3);
    }
  }
}
