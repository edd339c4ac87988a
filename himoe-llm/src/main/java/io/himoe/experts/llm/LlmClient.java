package io.himoe.experts.llm;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.himoe.experts.ExpertStats;
import io.himoe.experts.llm.internal.CancellableHttpClientBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * One model behind an LLM expert: a LangChain4j {@link ChatModel} (and optionally its {@link
 * StreamingChatModel}), its price, its own circuit breaker and its current load (calls in flight).
 * An expert with several clients sends each call to the least loaded one whose circuit is closed.
 */
public final class LlmClient {

  private final String name;
  private final ChatModel chat;
  private final @Nullable StreamingChatModel streaming;
  private final ModelPrice price;
  private final CircuitBreaker breaker;
  private final Clock clock;
  private final AtomicInteger inFlight = new AtomicInteger();
  // Exponentially weighted mean of successful call times, in ns; 0 before the first success.
  private final java.util.concurrent.atomic.AtomicLong meanLatencyNanos =
      new java.util.concurrent.atomic.AtomicLong();
  // The last successful calls' latencies, for the percentile a model hedge waits for.
  private final ExpertStats recent = new ExpertStats();
  private final AtomicReference<Instant> lastUsed;
  private final @Nullable Duration callTimeout;
  private final @Nullable String secret;

  private LlmClient(
      String name,
      ChatModel chat,
      @Nullable StreamingChatModel streaming,
      ModelPrice price,
      LlmPolicy policy,
      Clock clock,
      @Nullable Duration callTimeout,
      @Nullable String secret) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("llm client name is empty");
    }
    this.name = name;
    this.chat = Objects.requireNonNull(chat, "chat model of " + name);
    this.streaming = streaming;
    this.price = Objects.requireNonNull(price, "price of " + name);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.breaker = CircuitBreaker.of(name, breakerConfig(policy, clock));
    this.lastUsed = new AtomicReference<>(clock.instant());
    this.callTimeout = callTimeout;
    this.secret = secret;
  }

  /**
   * Wraps any LangChain4j chat model (OpenAI, Ollama, Anthropic, a local one...) with the default
   * policy and the system clock. Cancellation of such a model interrupts the calling thread; the
   * models built by {@link #openAi} also abort the HTTP exchange directly.
   *
   * @param name the client's name, not blank
   * @param chat the blocking model
   * @param streaming the streaming model, or {@code null} when streaming is not offered
   * @param price the model's price
   * @return the client
   */
  public static LlmClient of(
      String name, ChatModel chat, @Nullable StreamingChatModel streaming, ModelPrice price) {
    return of(name, chat, streaming, price, LlmPolicy.ofDefaults(), Clock.systemUTC());
  }

  /**
   * @param name the client's name, not blank
   * @param chat the blocking model
   * @param streaming the streaming model, or {@code null}
   * @param price the model's price
   * @param policy circuit breaker settings (its retry settings are the expert's business)
   * @param clock the clock the circuit breaker measures open time with
   * @return the client
   */
  public static LlmClient of(
      String name,
      ChatModel chat,
      @Nullable StreamingChatModel streaming,
      ModelPrice price,
      LlmPolicy policy,
      Clock clock) {
    return new LlmClient(name, chat, streaming, price, policy, clock, null, null);
  }

  /**
   * A client for an OpenAI-compatible endpoint, reading its API key from the process environment.
   *
   * @param endpoint the endpoint
   * @return the client (blocking and streaming)
   * @throws IllegalArgumentException if the endpoint names an API key variable that is not set
   */
  public static LlmClient openAi(OpenAiEndpoint endpoint) {
    return openAi(endpoint, LlmPolicy.ofDefaults(), System::getenv, Clock.systemUTC());
  }

  /**
   * A client for an OpenAI-compatible endpoint. Its HTTP client aborts the exchange when the
   * request is cancelled or its deadline passes, and LangChain4j's own retries are off (the expert
   * retries within the deadline instead).
   *
   * @param endpoint the endpoint
   * @param policy circuit breaker settings
   * @param env looks an environment variable up by name ({@code System::getenv} in production)
   * @param clock the circuit breaker's clock
   * @return the client
   * @throws IllegalArgumentException if the endpoint names an API key variable that is not set
   */
  public static LlmClient openAi(
      OpenAiEndpoint endpoint, LlmPolicy policy, UnaryOperator<@Nullable String> env, Clock clock) {
    String key = null;
    if (endpoint.apiKeyEnv() != null) {
      key = env.apply(endpoint.apiKeyEnv());
      if (key == null || key.isBlank()) {
        throw new IllegalArgumentException(
            "endpoint "
                + endpoint.name()
                + ": environment variable "
                + endpoint.apiKeyEnv()
                + " (apiKeyEnv) is not set");
      }
    }
    ChatModel chat =
        OpenAiChatModel.builder()
            .httpClientBuilder(new CancellableHttpClientBuilder())
            .baseUrl(endpoint.baseUrl())
            .apiKey(key)
            .modelName(endpoint.model())
            .temperature(endpoint.temperature())
            .maxTokens(endpoint.maxOutputTokens())
            .timeout(endpoint.timeout())
            .maxRetries(0)
            .build();
    StreamingChatModel streaming =
        OpenAiStreamingChatModel.builder()
            .httpClientBuilder(new CancellableHttpClientBuilder())
            .baseUrl(endpoint.baseUrl())
            .apiKey(key)
            .modelName(endpoint.model())
            .temperature(endpoint.temperature())
            .maxTokens(endpoint.maxOutputTokens())
            .timeout(endpoint.timeout())
            .build();
    return new LlmClient(
        endpoint.name(), chat, streaming, endpoint.price(), policy, clock, endpoint.timeout(), key);
  }

  /**
   * @return the client's name
   */
  public String name() {
    return name;
  }

  /**
   * @return the model's price
   */
  public ModelPrice price() {
    return price;
  }

  /**
   * @return calls in flight on this client now
   */
  public int inFlight() {
    return inFlight.get();
  }

  /**
   * @return whether a streaming model is available
   */
  public boolean streams() {
    return streaming != null;
  }

  /**
   * @return the state of this endpoint's circuit breaker
   */
  public CircuitBreaker.State circuitState() {
    return breaker.getState();
  }

  /**
   * @return when a call last finished on this client (or when it was created)
   */
  public Instant lastUsed() {
    return lastUsed.get();
  }

  /**
   * @return the longest one call may take on this client even when the request allows more ({@link
   *     OpenAiEndpoint#timeout()}), or {@code null} when only the request deadline bounds it
   */
  public @Nullable Duration callTimeout() {
    return callTimeout;
  }

  /**
   * @return the typical time of a successful call on this client (an exponentially weighted mean,
   *     recent calls weighing most), or {@link Duration#ZERO} before the first success
   */
  public Duration expectedLatency() {
    return Duration.ofNanos(meanLatencyNanos.get());
  }

  /** Adds one successful call's time to the mean (weight 1/5) and to the recent latencies. */
  void recordLatency(long nanos) {
    meanLatencyNanos.updateAndGet(m -> m == 0 ? nanos : m + (nanos - m) / 5);
    recent.recordAnswer(nanos / 1_000_000, 0);
  }

  /**
   * @param percentile a percentile in (0, 100]
   * @param minAnswers successful calls needed before the percentile is trusted
   * @return the latency in ms at that percentile of the last {@value ExpertStats#RECENT} successful
   *     calls on this model (nearest rank), or NaN with fewer than {@code minAnswers}
   */
  public double recentLatencyPercentileMs(double percentile, int minAnswers) {
    return recent.recentLatencyPercentileMs(percentile, minAnswers);
  }

  /** Removes the API key from a text that may echo it (an error body, an exception message). */
  String redact(String text) {
    return secret == null ? text : text.replace(secret, "***");
  }

  ChatModel chat() {
    return chat;
  }

  @Nullable StreamingChatModel streaming() {
    return streaming;
  }

  CircuitBreaker breaker() {
    return breaker;
  }

  void enter() {
    inFlight.incrementAndGet();
  }

  void exit() {
    inFlight.decrementAndGet();
    lastUsed.set(clock.instant());
  }

  boolean available() {
    return switch (breaker.getState()) {
      case CLOSED, HALF_OPEN, DISABLED, METRICS_ONLY -> true;
      case FORCED_OPEN -> false;
      // An open circuit whose wait is over moves to half-open on this probe; the permission it
      // took is given back, the real call takes its own.
      case OPEN -> {
        if (breaker.tryAcquirePermission()) {
          breaker.releasePermission();
          yield true;
        }
        yield false;
      }
    };
  }

  private static CircuitBreakerConfig breakerConfig(LlmPolicy p, Clock clock) {
    return CircuitBreakerConfig.custom()
        .failureRateThreshold(p.failureRateThreshold())
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(p.slidingWindowSize())
        .minimumNumberOfCalls(p.minimumCalls())
        .waitDurationInOpenState(p.openDuration())
        .clock(clock)
        .build();
  }

  @Override
  public String toString() {
    return "LlmClient["
        + name
        + ", inFlight="
        + inFlight.get()
        + ", circuit="
        + breaker.getState()
        + "]";
  }
}
