package io.himoe.shared;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * How a client asks the answer to be generated (OpenAI's chat parameters), carried by a {@link
 * InputData.Conversation}. Experts that generate (LLM endpoints) honour them; the gateway refuses a
 * parameter when the expert that would answer cannot honour it. Absent values leave the upstream's
 * default.
 *
 * @param temperature sampling temperature, in [0, 2]
 * @param topP nucleus sampling mass, in (0, 1]
 * @param maxTokens the most completion tokens, &gt; 0
 * @param stop up to 4 stop sequences
 * @param seed a sampling seed
 * @param presencePenalty in [-2, 2]
 * @param frequencyPenalty in [-2, 2]
 * @param user the end user's id, passed upstream
 * @param tools functions the model may call
 * @param toolChoice whether and which tool it must call
 * @param responseFormat text, JSON mode or a JSON schema
 * @param logprobs whether to return token log-probabilities
 * @param topLogprobs alternatives per token with their log-probabilities, in [0, 20]
 * @param parallelToolCalls whether the model may call several tools at once
 */
public record GenerationParams(
    OptionalDouble temperature,
    OptionalDouble topP,
    OptionalInt maxTokens,
    List<String> stop,
    OptionalLong seed,
    OptionalDouble presencePenalty,
    OptionalDouble frequencyPenalty,
    Optional<String> user,
    List<ToolSpec> tools,
    ToolChoice toolChoice,
    ResponseFormat responseFormat,
    boolean logprobs,
    OptionalInt topLogprobs,
    Optional<Boolean> parallelToolCalls) {

  /** No parameters: every value is the upstream's default. */
  public static final GenerationParams DEFAULT = builder().build();

  /** Validates ranges and copies. */
  public GenerationParams {
    range("temperature", temperature, 0, 2);
    range("top_p", topP, 0, 1);
    range("presence_penalty", presencePenalty, -2, 2);
    range("frequency_penalty", frequencyPenalty, -2, 2);
    if (maxTokens.isPresent() && maxTokens.getAsInt() <= 0) {
      throw new MoeError.InvalidInput("max_tokens must be > 0, got " + maxTokens.getAsInt());
    }
    stop = List.copyOf(stop);
    if (stop.size() > 4) {
      throw new MoeError.InvalidInput("stop: at most 4 sequences, got " + stop.size());
    }
    Objects.requireNonNull(user, "user");
    tools = List.copyOf(tools);
    Objects.requireNonNull(toolChoice, "toolChoice");
    Objects.requireNonNull(responseFormat, "responseFormat");
    if (topLogprobs.isPresent() && (topLogprobs.getAsInt() < 0 || topLogprobs.getAsInt() > 20)) {
      throw new MoeError.InvalidInput(
          "top_logprobs must be in [0, 20], got " + topLogprobs.getAsInt());
    }
    Objects.requireNonNull(parallelToolCalls, "parallelToolCalls");
    if (toolChoice instanceof ToolChoice.Function(String fn)
        && tools.stream().noneMatch(t -> t.name().equals(fn))) {
      throw new MoeError.InvalidInput("tool_choice names '" + fn + "', which is not in tools");
    }
  }

  private static void range(String name, OptionalDouble v, double lo, double hi) {
    if (v.isPresent() && !(v.getAsDouble() >= lo && v.getAsDouble() <= hi)) {
      throw new MoeError.InvalidInput(
          name + " must be in [" + lo + ", " + hi + "], got " + v.getAsDouble());
    }
  }

  /**
   * @return whether the client gave tools the model may call
   */
  public boolean usesTools() {
    return !tools.isEmpty() && !(toolChoice instanceof ToolChoice.None);
  }

  /**
   * @param n the completion-token bound to set, at least 1
   * @return these parameters with {@code max_tokens} set to {@code n}, every other value kept
   */
  public GenerationParams withMaxTokens(int n) {
    return new GenerationParams(
        temperature,
        topP,
        OptionalInt.of(n),
        stop,
        seed,
        presencePenalty,
        frequencyPenalty,
        user,
        tools,
        toolChoice,
        responseFormat,
        logprobs,
        topLogprobs,
        parallelToolCalls);
  }

  /**
   * @return a builder with every value absent
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link GenerationParams}; every value starts absent. */
  public static final class Builder {
    private OptionalDouble temperature = OptionalDouble.empty();
    private OptionalDouble topP = OptionalDouble.empty();
    private OptionalInt maxTokens = OptionalInt.empty();
    private List<String> stop = List.of();
    private OptionalLong seed = OptionalLong.empty();
    private OptionalDouble presencePenalty = OptionalDouble.empty();
    private OptionalDouble frequencyPenalty = OptionalDouble.empty();
    private Optional<String> user = Optional.empty();
    private List<ToolSpec> tools = List.of();
    private ToolChoice toolChoice = ToolChoice.AUTO;
    private ResponseFormat responseFormat = ResponseFormat.TEXT;
    private boolean logprobs;
    private OptionalInt topLogprobs = OptionalInt.empty();
    private Optional<Boolean> parallelToolCalls = Optional.empty();

    private Builder() {}

    /**
     * @param t sampling temperature in [0, 2]
     * @return this builder
     */
    public Builder temperature(double t) {
      this.temperature = OptionalDouble.of(t);
      return this;
    }

    /**
     * @param p nucleus mass in (0, 1]
     * @return this builder
     */
    public Builder topP(double p) {
      this.topP = OptionalDouble.of(p);
      return this;
    }

    /**
     * @param n the most completion tokens
     * @return this builder
     */
    public Builder maxTokens(int n) {
      this.maxTokens = OptionalInt.of(n);
      return this;
    }

    /**
     * @param sequences stop sequences (at most 4)
     * @return this builder
     */
    public Builder stop(List<String> sequences) {
      this.stop = sequences;
      return this;
    }

    /**
     * @param s a sampling seed
     * @return this builder
     */
    public Builder seed(long s) {
      this.seed = OptionalLong.of(s);
      return this;
    }

    /**
     * @param p presence penalty in [-2, 2]
     * @return this builder
     */
    public Builder presencePenalty(double p) {
      this.presencePenalty = OptionalDouble.of(p);
      return this;
    }

    /**
     * @param p frequency penalty in [-2, 2]
     * @return this builder
     */
    public Builder frequencyPenalty(double p) {
      this.frequencyPenalty = OptionalDouble.of(p);
      return this;
    }

    /**
     * @param u the end user's id
     * @return this builder
     */
    public Builder user(String u) {
      this.user = Optional.of(u);
      return this;
    }

    /**
     * @param t functions the model may call
     * @return this builder
     */
    public Builder tools(List<ToolSpec> t) {
      this.tools = t;
      return this;
    }

    /**
     * @param c whether and which tool must be called
     * @return this builder
     */
    public Builder toolChoice(ToolChoice c) {
      this.toolChoice = Objects.requireNonNull(c, "toolChoice");
      return this;
    }

    /**
     * @param f the answer's form
     * @return this builder
     */
    public Builder responseFormat(ResponseFormat f) {
      this.responseFormat = Objects.requireNonNull(f, "responseFormat");
      return this;
    }

    /**
     * @param on whether to return log-probabilities
     * @return this builder
     */
    public Builder logprobs(boolean on) {
      this.logprobs = on;
      return this;
    }

    /**
     * @param n alternatives per token in [0, 20]
     * @return this builder
     */
    public Builder topLogprobs(int n) {
      this.topLogprobs = OptionalInt.of(n);
      return this;
    }

    /**
     * @param on whether several tools may be called at once
     * @return this builder
     */
    public Builder parallelToolCalls(boolean on) {
      this.parallelToolCalls = Optional.of(on);
      return this;
    }

    /**
     * @return the parameters
     * @throws MoeError.InvalidInput when a value is out of range
     */
    public GenerationParams build() {
      return new GenerationParams(
          temperature,
          topP,
          maxTokens,
          stop,
          seed,
          presencePenalty,
          frequencyPenalty,
          user,
          tools,
          toolChoice,
          responseFormat,
          logprobs,
          topLogprobs,
          parallelToolCalls);
    }
  }
}
