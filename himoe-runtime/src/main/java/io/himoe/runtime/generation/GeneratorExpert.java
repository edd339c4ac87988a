package io.himoe.runtime.generation;

import io.himoe.experts.ExpertAux;
import io.himoe.experts.ExpertOut;
import io.himoe.experts.Generation;
import io.himoe.experts.StreamingExpert;
import io.himoe.runtime.RuntimeDecision;
import io.himoe.runtime.RuntimeManager;
import io.himoe.runtime.integration.ModeAwareExpert;
import io.himoe.runtime.mode.PerformanceProfile;
import io.himoe.shared.CancelToken;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.TokenListener;
import io.himoe.shared.Value;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;

/**
 * The local generator as an expert: it streams a continuation of the input and answers with the
 * whole text. It starts in the request's mode (the decision a {@link
 * io.himoe.runtime.integration.ModeCappedRouter} stored, else a fresh one), follows mode changes
 * mid-stream, and stops when the request is cancelled or its thread interrupted (the router's
 * deadline), releasing its pool leases.
 *
 * <p>As a {@link StreamingExpert} it hands each chunk to the request's listener as it is generated
 * (the API's SSE stream). Its answer reports a {@link Generation}: the chunks generated, {@code
 * length} when the mode's token budget stopped it ({@code stop} when the source ended), and as
 * model {@code local-ngram@MODE}, or {@code local-ngram@MAXIMUM->BALANCED} when the mode changed
 * mid-stream, so a switch shows at the stream's end (its length is then the new mode's budget).
 */
public final class GeneratorExpert implements ModeAwareExpert, StreamingExpert {

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
    return generate(input, ctx, TokenListener.NONE);
  }

  @Override
  public ExpertOut stream(InputData input, Context ctx, TokenListener listener) throws Exception {
    return generate(input, ctx, listener);
  }

  private ExpertOut generate(InputData input, Context ctx, TokenListener listener)
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
            listener.onToken(chunk);
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
    String model =
        "local-ngram@"
            + d.decision().mode()
            + (r.modeSwitches() > 0 && r.finalMode() != d.decision().mode()
                ? "->" + r.finalMode()
                : "");
    Generation g =
        new Generation(
            prompt.split("\\s+").length,
            r.tokens(),
            true,
            r.stop() == GenerationResult.Stop.BUDGET
                ? Generation.FinishReason.LENGTH
                : Generation.FinishReason.STOP,
            Optional.of(model),
            0,
            Optional.empty());
    synchronized (text) {
      return new ExpertOut(Value.text(text.toString()), ExpertAux.of(0, 0.3).withGeneration(g));
    }
  }
}
