package io.himoe.experts.llm;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.himoe.experts.ExpertAux;
import io.himoe.experts.ExpertOut;
import io.himoe.experts.StreamingExpert;
import io.himoe.experts.llm.internal.CallScope;
import io.himoe.experts.management.Scalable;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.TokenListener;
import io.himoe.shared.Value;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An expert answered by a large language model: one or several {@link LlmClient}s (models or
 * replicas), each call sent to the least loaded one whose circuit is closed.
 *
 * <p>Every call is bounded by the request's deadline ({@link Context#remaining()}) and aborted when
 * the request is cancelled: the HTTP exchange is cancelled and the calling thread interrupted, and
 * the call ends with {@link MoeError.DeadlineExceeded} or {@link MoeError.Cancelled}. Failures on
 * the model's side are {@link LlmException}s; the retryable ones are retried with exponential
 * backoff (resilience4j) only while the deadline leaves room, possibly on another client. Token
 * usage becomes cost units through the answering client's {@link ModelPrice}.
 *
 * <p>{@link #canHandle} is a keyword self-assessment ({@link KeywordSkill}); the confidence
 * reported with an answer is that score for the input (or {@code baseConfidence} without a skill),
 * halved when the answer was cut at the output token limit.
 */
public final class LlmExpert implements StreamingExpert, Scalable {

  private final String name;
  private final ClientPool pool;
  private final String systemPrompt;
  private final KeywordSkill skill;
  private final double baseConfidence;
  private final boolean fixedConfidence;
  private final LlmPolicy policy;
  private final int maxLoadPerInstance;
  private final AnswerFormat format;
  private final AtomicLong calls = new AtomicLong();

  private LlmExpert(Builder b) {
    this.name = b.name;
    this.pool = new ClientPool(b.clients, b.minInstances, b.maxInstances, b.clock);
    this.systemPrompt = b.systemPrompt;
    this.skill = b.skill;
    this.baseConfidence = b.baseConfidence;
    this.fixedConfidence = b.fixedConfidence;
    this.policy = b.policy;
    this.maxLoadPerInstance = b.maxLoadPerInstance;
    this.format = b.format;
  }

  /**
   * @param name the expert's name, not blank
   * @return a builder
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public double canHandle(String task) {
    return skill == null ? 0.0 : skill.score(task);
  }

  @Override
  public ExpertOut infer(InputData input, Context ctx) {
    return toOut(complete(input, ctx), input, ctx);
  }

  @Override
  public ExpertOut stream(InputData input, Context ctx, TokenListener listener) {
    return toOut(streamAnswer(input, ctx, listener), input, ctx);
  }

  /**
   * Answers one input without streaming and returns the full accounting.
   *
   * @param input the input (its text form is the user message)
   * @param ctx the request context
   * @return the answer
   * @throws LlmException on a failure on the model's side that retries did not overcome
   * @throws MoeError.DeadlineExceeded when the deadline passed
   * @throws MoeError.Cancelled when the request was cancelled
   */
  public LlmAnswer complete(InputData input, Context ctx) {
    ChatRequest request = request(input);
    long t0 = System.nanoTime();
    AtomicInteger attempts = new AtomicInteger();
    Set<LlmClient> failed = ConcurrentHashMap.newKeySet();
    ChatResult r =
        withRetries(
            ctx,
            attempts,
            () -> true,
            () ->
                attempt(
                    ctx,
                    failed,
                    (client, scope) -> new ChatResult(client, client.chat().chat(request))));
    return answer(r, request, attempts.get(), t0);
  }

  /**
   * Answers one input, streaming tokens to {@code listener}. Retries and client changes happen only
   * before the first token; a failure after it is an {@link LlmException} of kind {@code
   * STREAM_BROKEN} saying how many tokens were delivered.
   *
   * @param input the input
   * @param ctx the request context
   * @param listener receives the tokens
   * @return the complete answer
   */
  public LlmAnswer streamAnswer(InputData input, Context ctx, TokenListener listener) {
    Objects.requireNonNull(listener, "listener");
    ChatRequest request = request(input);
    long t0 = System.nanoTime();
    AtomicInteger attempts = new AtomicInteger();
    Set<LlmClient> failed = ConcurrentHashMap.newKeySet();
    AtomicInteger tokens = new AtomicInteger();
    ChatResult r =
        withRetries(
            ctx,
            attempts,
            () -> tokens.get() == 0,
            () ->
                attempt(
                    ctx,
                    failed,
                    (client, scope) ->
                        new ChatResult(
                            client, StreamCall.run(client, request, scope, listener, tokens))));
    return answer(r, request, attempts.get(), t0);
  }

  /**
   * @return the clients, in preference order (ties in load go to the earlier one)
   */
  public List<LlmClient> clients() {
    return pool.clients();
  }

  /**
   * @return calls started on this expert since it was built
   */
  public long calls() {
    return calls.get();
  }

  @Override
  public int instances() {
    return pool.instances();
  }

  @Override
  public int maxInstances() {
    return pool.maxInstances();
  }

  @Override
  public int load() {
    return pool.load();
  }

  @Override
  public int maxLoadPerInstance() {
    return maxLoadPerInstance;
  }

  @Override
  public boolean addInstance() {
    return pool.add();
  }

  @Override
  public boolean releaseIdleInstance(Duration idleFor) {
    return pool.releaseIdle(idleFor);
  }

  // ---- one call: pick a client, bound it by the deadline, classify its failure ----

  @FunctionalInterface
  private interface Call {
    ChatResult run(LlmClient client, CallScope scope) throws Exception;
  }

  private record ChatResult(LlmClient client, ChatResponse response) {}

  private ChatResult withRetries(
      Context ctx,
      AtomicInteger attempts,
      java.util.function.BooleanSupplier retryAllowed,
      java.util.concurrent.Callable<ChatResult> once) {
    calls.incrementAndGet();
    RetryConfig config =
        RetryConfig.custom()
            .maxAttempts(policy.maxAttempts())
            .intervalBiFunction(
                (attempt, outcome) ->
                    waitBefore(attempt, outcome.isLeft() ? outcome.getLeft() : null).toMillis())
            .retryOnException(t -> shouldRetry(t, ctx, attempts.get(), retryAllowed))
            .failAfterMaxAttempts(false)
            .build();
    Retry retry = Retry.of(name, config);
    // A cancel during a backoff wait interrupts the wait; attempts have their own CallGuard.
    Thread caller = Thread.currentThread();
    AtomicBoolean waiting = new AtomicBoolean(true);
    Runnable unregister =
        ctx.cancel()
            .onCancel(
                () -> {
                  synchronized (waiting) {
                    if (waiting.get()) {
                      caller.interrupt();
                    }
                  }
                });
    try {
      return retry.executeCallable(
          () -> {
            attempts.incrementAndGet();
            return once.call();
          });
    } catch (Exception e) {
      throw outcome(e, ctx);
    } finally {
      synchronized (waiting) {
        waiting.set(false);
      }
      unregister.run();
      if (ctx.cancel().isCancelled() || ctx.isExpired()) {
        // Our own interrupts have done their job; the error already reports the cancel.
        Thread.interrupted();
      }
    }
  }

  /** The error a failed call ends with: the request's fate first, then the model's failure. */
  private RuntimeException outcome(Exception e, Context ctx) {
    if (ctx.cancel().isCancelled()) {
      return e instanceof MoeError.Cancelled c ? c : new MoeError.Cancelled("llm " + name);
    }
    if (e instanceof LlmException || e instanceof MoeError) {
      return (RuntimeException) e;
    }
    if (ctx.isExpired()) {
      return new MoeError.DeadlineExceeded("llm " + name);
    }
    return e instanceof RuntimeException re
        ? re
        : new LlmException(LlmException.Kind.BAD_RESPONSE, name, String.valueOf(e), e);
  }

  private boolean shouldRetry(
      Throwable t, Context ctx, int attempt, java.util.function.BooleanSupplier retryAllowed) {
    if (!(t instanceof LlmException le)) {
      return false;
    }
    boolean another = le.kind() == LlmException.Kind.CIRCUIT_OPEN && pool.instances() > 1;
    if (!le.kind().retryable() && !another) {
      return false;
    }
    long needed = waitBefore(attempt, le).plus(policy.minAttemptTime()).toMillis();
    return retryAllowed.getAsBoolean() && !ctx.cancel().isCancelled() && ctx.remainingMs() > needed;
  }

  /** The wait before the next attempt: the backoff, or longer when the endpoint asked. */
  private Duration waitBefore(int attempt, Throwable failure) {
    Duration backoff = policy.backoff(attempt);
    if (failure instanceof LlmException le
        && le.retryAfter().isPresent()
        && le.retryAfter().get().compareTo(backoff) > 0) {
      return le.retryAfter().get();
    }
    return backoff;
  }

  private ChatResult attempt(Context ctx, Set<LlmClient> failed, Call call) {
    ctx.checkAlive("llm " + name);
    if (ctx.remaining().compareTo(policy.minAttemptTime()) < 0) {
      throw new MoeError.DeadlineExceeded(
          "llm " + name + " (less than the minimum attempt time left)");
    }
    LlmClient client = pool.acquire(failed);
    CallGuard guard = CallGuard.start(ctx, client.callTimeout());
    long t0 = System.nanoTime();
    try {
      ChatResult r =
          ScopedValue.where(CallScope.CURRENT, guard.scope())
              .call(() -> call.run(client, guard.scope()));
      if (r.response() == null || r.response().aiMessage() == null) {
        throw new LlmException(
            LlmException.Kind.BAD_RESPONSE, client.name(), "no message in the response", null);
      }
      String text = r.response().aiMessage().text();
      if (text == null || text.isBlank()) {
        throw new LlmException(LlmException.Kind.BAD_RESPONSE, client.name(), "empty answer", null);
      }
      client.breaker().onSuccess(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
      return r;
    } catch (Error err) {
      client.breaker().releasePermission();
      throw err;
    } catch (Throwable t) {
      failed.add(client);
      RuntimeException e = Failures.classify(t, client, name, guard.scope(), ctx);
      if (e instanceof LlmException le && le.kind().endpointFault()) {
        client
            .breaker()
            .onError(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS, le);
      } else {
        client.breaker().releasePermission();
      }
      throw e;
    } finally {
      client.exit();
      guard.close();
    }
  }

  private ChatRequest request(InputData input) {
    List<ChatMessage> messages = new ArrayList<>(2);
    if (systemPrompt != null) {
      messages.add(SystemMessage.from(systemPrompt));
    }
    messages.add(UserMessage.from(input.toText()));
    return ChatRequest.builder().messages(messages).build();
  }

  private LlmAnswer answer(ChatResult r, ChatRequest request, int attempts, long t0) {
    ChatResponse resp = r.response();
    String text = resp.aiMessage().text();
    TokenUsage u = resp.tokenUsage();
    boolean reported = u != null && u.inputTokenCount() != null && u.outputTokenCount() != null;
    long in = reported ? u.inputTokenCount() : estimateTokens(promptText(request));
    long out = reported ? u.outputTokenCount() : estimateTokens(text);
    return new LlmAnswer(
        text,
        r.client().name(),
        in,
        out,
        reported,
        r.client().price().cost(in, out),
        attempts,
        resp.finishReason() == FinishReason.LENGTH,
        (System.nanoTime() - t0) / 1_000_000);
  }

  private ExpertOut toOut(LlmAnswer a, InputData input, Context ctx) {
    double confidence =
        skill == null || fixedConfidence ? baseConfidence : skill.score(input.toText());
    if (a.truncated()) {
      confidence /= 2;
    }
    Value value =
        format == AnswerFormat.PLAN
            ? PlanParser.parse(input.toText(), a.text())
                .<Value>map(Value::plan)
                .orElse(Value.text(a.text()))
            : Value.text(a.text());
    return new ExpertOut(
        value, new ExpertAux(a.latencyMs(), a.costUnits(), confidence, ctx.traceId()));
  }

  private static String promptText(ChatRequest request) {
    StringBuilder sb = new StringBuilder();
    for (ChatMessage m : request.messages()) {
      switch (m) {
        case SystemMessage s -> sb.append(s.text());
        case UserMessage u -> sb.append(u.singleText());
        default -> {}
      }
    }
    return sb.toString();
  }

  /** About four characters per token for English and French with BPE tokenisers; never 0. */
  static long estimateTokens(String text) {
    return Math.max(1, (text.length() + 3) / 4);
  }

  @Override
  public String toString() {
    return "LlmExpert["
        + name
        + ", clients="
        + pool.clients().stream().map(LlmClient::name).toList()
        + "]";
  }

  /** Builds an {@link LlmExpert}. */
  public static final class Builder {
    private final String name;
    private final List<LlmClient> clients = new ArrayList<>();
    private String systemPrompt;
    private KeywordSkill skill;
    private double baseConfidence = 0.7;
    private boolean fixedConfidence;
    private LlmPolicy policy = LlmPolicy.ofDefaults();
    private InstantSource clock = InstantSource.system();
    private int minInstances = 1;
    private int maxInstances;
    private int maxLoadPerInstance = 10;
    private AnswerFormat format = AnswerFormat.TEXT;

    private Builder(String name) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("expert name is empty");
      }
      this.name = name;
    }

    /**
     * @param client a model, in preference order; names must be distinct
     * @return this builder
     */
    public Builder client(LlmClient client) {
      Objects.requireNonNull(client, "client");
      for (LlmClient c : clients) {
        if (c.name().equals(client.name())) {
          throw new IllegalArgumentException(
              "expert " + name + ": client name '" + client.name() + "' is used twice");
        }
      }
      clients.add(client);
      return this;
    }

    /**
     * @param all models, in preference order
     * @return this builder
     */
    public Builder clients(List<LlmClient> all) {
      all.forEach(this::client);
      return this;
    }

    /**
     * @param prompt the system message sent before each input, or {@code null} for none
     * @return this builder
     */
    public Builder systemPrompt(String prompt) {
      this.systemPrompt = prompt == null || prompt.isBlank() ? null : prompt;
      return this;
    }

    /**
     * @param s the keyword self-assessment behind {@code canHandle} and the answer's confidence
     * @return this builder
     */
    public Builder skill(KeywordSkill s) {
      this.skill = s;
      return this;
    }

    /**
     * @param c the confidence reported with answers when no skill is set, in [0, 1]
     * @return this builder
     */
    public Builder baseConfidence(double c) {
      if (!(c >= 0 && c <= 1)) {
        throw new IllegalArgumentException(
            "expert " + name + ": baseConfidence must be in [0, 1], got " + c);
      }
      this.baseConfidence = c;
      return this;
    }

    /**
     * Reports {@code c} with every answer even when a skill is set (the skill then only ranks the
     * expert through {@code canHandle}): for endpoints whose keywords say what they are for, not
     * how good an answer is.
     *
     * @param c the confidence reported with answers, in [0, 1]
     * @return this builder
     */
    public Builder fixedConfidence(double c) {
      baseConfidence(c);
      this.fixedConfidence = true;
      return this;
    }

    /**
     * @param p retry settings (circuit settings belong to each {@link LlmClient})
     * @return this builder
     */
    public Builder policy(LlmPolicy p) {
      this.policy = Objects.requireNonNull(p, "policy");
      return this;
    }

    /**
     * @param c the clock idle times are measured with
     * @return this builder
     */
    public Builder clock(InstantSource c) {
      this.clock = Objects.requireNonNull(c, "clock");
      return this;
    }

    /**
     * @param min instances always in use, >= 1
     * @param max most instances in use (capped at the number of clients); all start in use
     * @param maxLoad calls one instance is meant to carry at once, >= 1
     * @return this builder
     */
    public Builder instances(int min, int max, int maxLoad) {
      if (min < 1 || max < min || maxLoad < 1) {
        throw new IllegalArgumentException(
            "expert "
                + name
                + ": need 1 <= min <= max and maxLoad >= 1, got min="
                + min
                + " max="
                + max
                + " maxLoad="
                + maxLoad);
      }
      this.minInstances = min;
      this.maxInstances = max;
      this.maxLoadPerInstance = maxLoad;
      return this;
    }

    /**
     * @param f how answers are handed to the router (text, or a plan parsed from the answer)
     * @return this builder
     */
    public Builder format(AnswerFormat f) {
      this.format = Objects.requireNonNull(f, "format");
      return this;
    }

    int maxInstances() {
      return maxInstances == 0 ? clients.size() : maxInstances;
    }

    int maxLoadPerInstance() {
      return maxLoadPerInstance;
    }

    /**
     * @return the expert
     * @throws IllegalArgumentException when no client was given
     */
    public LlmExpert build() {
      if (clients.isEmpty()) {
        throw new IllegalArgumentException("expert " + name + ": at least one client is needed");
      }
      return new LlmExpert(this);
    }
  }
}
