package io.himoe.experts.llm;

import dev.langchain4j.model.chat.request.ChatRequest;
import io.github.resilience4j.retry.Retry;
import io.himoe.experts.ExpertFeedback;
import io.himoe.experts.ExpertOut;
import io.himoe.experts.LearningExpert;
import io.himoe.experts.StreamingExpert;
import io.himoe.experts.management.Scalable;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.Message;
import io.himoe.shared.MoeError;
import io.himoe.shared.TokenListener;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * An expert answered by a large language model: one or several {@link LlmClient}s (models or
 * replicas), each call sent to the least loaded one whose circuit is closed.
 *
 * <p>The parts, each in its own class: {@link RequestMapping} builds what is sent upstream, {@link
 * CallPolicy} retries on resilience4j within the deadline, {@link ModelCall} runs one attempt on
 * one model under its {@link CallGuard} and circuit breaker, {@link StreamCall} streams one
 * attempt, and {@link AnswerMapping} turns the upstream answer into the expert's output and its
 * accounting.
 *
 * <p>Every call is bounded by the request's deadline ({@link Context#remaining()}) and aborted when
 * the request is cancelled or the thread interrupted: the HTTP exchange is cancelled and the call
 * ends with {@link MoeError.DeadlineExceeded} or {@link MoeError.Cancelled}. Failures on the
 * model's side are {@link LlmException}s; the retryable ones are retried only when the retry's
 * expected latency fits the time left, possibly on another model. Token usage becomes cost units
 * through the answering client's {@link ModelPrice}.
 *
 * <p>{@link #canHandle} is a keyword self-assessment ({@link KeywordSkill}); the confidence
 * reported with an answer is that score for the input (or {@code baseConfidence} without a skill),
 * halved when the answer was cut at the output token limit.
 */
public final class LlmExpert implements StreamingExpert, Scalable, LearningExpert {

  private final String name;
  private final ClientPool pool;
  private final @Nullable KeywordSkill skill;
  private final int maxLoadPerInstance;
  private final RequestMapping requests;
  private final AnswerMapping answers;
  private final CallPolicy calls;
  private final ModelCall modelCall;
  private final AtomicLong started = new AtomicLong();
  private final boolean tools;
  private final @Nullable FewShotMemory fewShot;
  private final @Nullable ModelHedging hedging;

  private LlmExpert(Builder b) {
    this.name = b.name;
    this.pool = new ClientPool(b.clients, b.minInstances, b.maxInstances, b.clock);
    this.skill = b.skill;
    this.maxLoadPerInstance = b.maxLoadPerInstance;
    this.fewShot =
        b.fewShotExamples > 0
            ? new FewShotMemory(b.fewShotExamples, b.fewShotMinReward, b.clock)
            : null;
    FewShotMemory examples = fewShot;
    this.requests =
        new RequestMapping(
            b.systemPrompt,
            b.contextTokens,
            b.tools,
            b.tokens,
            examples == null ? List::of : examples::messages);
    this.answers =
        new AnswerMapping(b.skill, b.baseConfidence, b.fixedConfidence, b.format, b.tokens);
    this.tools = b.tools;
    this.calls = new CallPolicy(b.name, b.policy, pool);
    this.modelCall = new ModelCall(b.name, pool, b.policy);
    this.hedging = b.hedgePercentile > 0 ? new ModelHedging(b.hedgePercentile, pool) : null;
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
    return answers.toOut(remembered(complete(input, ctx), input, ctx), input, ctx);
  }

  @Override
  public ExpertOut stream(InputData input, Context ctx, TokenListener listener) {
    return answers.toOut(remembered(streamAnswer(input, ctx, listener), input, ctx), input, ctx);
  }

  /** Keeps a text answer for the feedback that may make it a few-shot example. */
  private LlmAnswer remembered(LlmAnswer a, InputData input, Context ctx) {
    if (fewShot != null && a.toolCalls().isEmpty()) {
      fewShot.answered(ctx.traceId(), input.toText(), a.text());
    }
    return a;
  }

  /**
   * With few-shot examples on ({@link Builder#fewShot}), an answer rated at least the configured
   * reward becomes an example sent with later requests; otherwise feedback is ignored.
   *
   * @param feedback the feedback on one of this expert's answers
   */
  @Override
  public void learn(ExpertFeedback feedback) {
    if (fewShot == null || feedback.share() == 0) {
      return;
    }
    feedback.rewardFor(name).ifPresent(r -> fewShot.rated(feedback.traceId(), r));
  }

  /**
   * @return this expert when it keeps few-shot examples, else empty (feedback has nothing to teach
   *     it)
   */
  @Override
  public Optional<LearningExpert> asLearning() {
    return fewShot == null ? Optional.empty() : Optional.of(this);
  }

  /**
   * @return the few-shot examples sent now, as user and assistant turns (empty when off)
   */
  public List<Message> fewShotExamples() {
    return fewShot == null ? List.of() : fewShot.messages();
  }

  /**
   * Answers one input without streaming and returns the full accounting.
   *
   * @param input the input: a conversation (sent whole, within the context budget) or text (sent as
   *     one user message)
   * @param ctx the request context
   * @return the answer
   * @throws LlmException on a failure on the model's side that retries did not overcome
   * @throws MoeError.DeadlineExceeded when the deadline passed
   * @throws MoeError.Cancelled when the request was cancelled or the thread interrupted
   */
  public LlmAnswer complete(InputData input, Context ctx) {
    RequestMapping.Mapped mapped = requests.toChatRequest(input, ctx);
    ModelHedging h = hedging;
    if (h == null || pool.instances() < 2) {
      return completeOn(mapped, ctx, null, model -> {});
    }
    return h.complete(
        ctx, mapped.promptTokens(), (c, avoid, onModel) -> completeOn(mapped, c, avoid, onModel));
  }

  /**
   * One non-streaming call, its first attempt avoiding {@code avoid} when another model is free.
   */
  private LlmAnswer completeOn(
      RequestMapping.Mapped mapped,
      Context ctx,
      @Nullable LlmClient avoid,
      java.util.function.Consumer<LlmClient> onModel) {
    ChatRequest request = mapped.request();
    long t0 = System.nanoTime();
    started.incrementAndGet();
    CallPolicy.Done done =
        calls.execute(
            ctx,
            () -> true,
            attempt -> {
              if (avoid != null) {
                // Counted as tried: the pool picks another model while one is free.
                attempt.failed().add(avoid);
              }
              return modelCall.attempt(
                  ctx,
                  attempt,
                  true,
                  (client, scope) -> {
                    onModel.accept(client);
                    return client.chat().chat(request);
                  });
            });
    return answers.toAnswer(
        done.result().client(), done.result().response(), mapped, done.attempts(), t0);
  }

  /**
   * @return hedges to another model started because the model called first was late (0 without
   *     {@link Builder#hedgeModels})
   */
  public long modelHedges() {
    ModelHedging h = hedging;
    return h == null ? 0 : h.started();
  }

  /**
   * @return model hedges whose answer came first and was used
   */
  public long modelHedgeWins() {
    ModelHedging h = hedging;
    return h == null ? 0 : h.won();
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
    RequestMapping.Mapped mapped = requests.toChatRequest(input, ctx);
    ChatRequest request = mapped.request();
    long t0 = System.nanoTime();
    started.incrementAndGet();
    AtomicInteger tokens = new AtomicInteger();
    CallPolicy.Done done =
        calls.execute(
            ctx,
            () -> tokens.get() == 0,
            attempt ->
                modelCall.attempt(
                    ctx,
                    attempt,
                    false,
                    (client, scope) -> StreamCall.run(client, request, scope, listener, tokens)));
    return answers.toAnswer(
        done.result().client(), done.result().response(), mapped, done.attempts(), t0);
  }

  /**
   * @return whether this expert's models call tools (requests with tools may be routed to it)
   */
  public boolean callsTools() {
    return tools;
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
    return started.get();
  }

  /**
   * @return the expert's resilience4j retry, whose metrics count calls that succeeded or failed
   *     with and without retries
   */
  public Retry retry() {
    return calls.retry();
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
    private @Nullable String systemPrompt;
    private @Nullable KeywordSkill skill;
    private double baseConfidence = 0.7;
    private boolean fixedConfidence;
    private LlmPolicy policy = LlmPolicy.ofDefaults();
    private InstantSource clock = InstantSource.system();
    private int minInstances = 1;
    private int maxInstances;
    private int maxLoadPerInstance = 10;
    private AnswerFormat format = AnswerFormat.TEXT;
    private int contextTokens;
    private boolean tools;
    private TokenCounter tokens = TokenCounter.defaults();
    private int fewShotExamples;
    private double fewShotMinReward = 0.8;
    private double hedgePercentile;

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
    public Builder systemPrompt(@Nullable String prompt) {
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

    /**
     * @param n the most prompt tokens sent upstream (system prompt and conversation); the oldest
     *     turns are dropped first, never a system message nor the last user turn; 0 for no limit
     * @return this builder
     */
    public Builder contextTokens(int n) {
      if (n < 0) {
        throw new IllegalArgumentException(
            "expert " + name + ": contextTokens must be >= 0, got " + n);
      }
      this.contextTokens = n;
      return this;
    }

    /**
     * @param on whether the models call tools: requests with {@code tools} are sent to them with
     *     their tools, and tool calls come back as {@code Value.ToolCalls}
     * @return this builder
     */
    public Builder tools(boolean on) {
      this.tools = on;
      return this;
    }

    /**
     * @param counter the tokenizer of budgets and of usage the upstream does not report
     * @return this builder
     */
    public Builder tokens(TokenCounter counter) {
      this.tokens = Objects.requireNonNull(counter, "counter");
      return this;
    }

    /**
     * Hedges a non-streaming call to the next model (off by default; only with several models):
     * when the model called first has not answered by {@code percentile} of its last successful
     * calls' latencies (once it has {@value ModelHedging#MIN_ANSWERS} of them; at least {@value
     * ModelHedging#MIN_DELAY_MS} ms), the same request also goes to another model whose circuit is
     * closed; the first good answer wins and the other call is cancelled (its connection closed),
     * its prompt charged at its model's input price.
     *
     * @param percentile in (0, 100], or 0 for no model hedging
     * @return this builder
     */
    public Builder hedgeModels(double percentile) {
      if (!(percentile >= 0 && percentile <= 100)) {
        throw new IllegalArgumentException(
            "hedge percentile must be in (0, 100] (0 = off), got " + percentile);
      }
      this.hedgePercentile = percentile;
      return this;
    }

    /**
     * Keeps well-rated exchanges as few-shot examples (off by default): an answer whose feedback
     * rewards it at least {@code minReward} (its question and text, each at most 2,000 characters)
     * is sent with later requests as a user and an assistant turn after the system prompt; at most
     * {@code examples} are kept, the oldest dropped first, and they are the first turns dropped
     * when a request is over the context budget. Kept in memory only.
     *
     * @param examples examples kept, 0 (off) to 64
     * @param minReward the least reward that makes an answer an example, in [0, 1]
     * @return this builder
     */
    public Builder fewShot(int examples, double minReward) {
      if (examples < 0 || examples > 64) {
        throw new IllegalArgumentException("few-shot examples must be in [0, 64], got " + examples);
      }
      if (!(minReward >= 0 && minReward <= 1)) {
        throw new IllegalArgumentException(
            "few-shot min reward must be in [0, 1], got " + minReward);
      }
      this.fewShotExamples = examples;
      this.fewShotMinReward = minReward;
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
