package io.himoe.experts.llm;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An OpenAI-compatible chat-completions endpoint: OpenAI itself, vLLM, llama.cpp's server, LM
 * Studio, Ollama's {@code /v1}, or any hosted provider speaking the same protocol. The API key is
 * never held here: only the <em>name</em> of the environment variable that carries it, so that
 * configuration files, logs and {@code toString()} never show a secret.
 *
 * @param name the endpoint's name (used in errors, metrics and its circuit breaker), not blank
 * @param baseUrl the API base URL, e.g. {@code http://127.0.0.1:8000/v1}; http or https
 * @param model the model name sent in each request, not blank
 * @param apiKeyEnv the environment variable holding the API key, or {@code null} for servers that
 *     need none
 * @param price the model's price per million tokens
 * @param temperature sampling temperature, or {@code null} for the server's default
 * @param maxOutputTokens the most tokens an answer may have, or {@code null} for the server's
 *     default
 * @param timeout the longest one HTTP call may take even when the request deadline is later
 */
public record OpenAiEndpoint(
    String name,
    String baseUrl,
    String model,
    @Nullable String apiKeyEnv,
    ModelPrice price,
    @Nullable Double temperature,
    @Nullable Integer maxOutputTokens,
    Duration timeout) {

  /** Validates; every message names the endpoint and the field. */
  public OpenAiEndpoint {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("endpoint name is empty");
    }
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("endpoint " + name + ": model is empty");
    }
    URI uri;
    try {
      uri = URI.create(Objects.requireNonNull(baseUrl, "baseUrl"));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException(
          "endpoint " + name + ": baseUrl '" + baseUrl + "' is not a URL", e);
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
        || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "endpoint " + name + ": baseUrl '" + baseUrl + "' must be an http(s) URL with a host");
    }
    if (apiKeyEnv != null && apiKeyEnv.isBlank()) {
      apiKeyEnv = null;
    }
    Objects.requireNonNull(price, "price");
    if (temperature != null && !(temperature >= 0 && temperature <= 2)) {
      throw new IllegalArgumentException(
          "endpoint " + name + ": temperature must be in [0, 2], got " + temperature);
    }
    if (maxOutputTokens != null && maxOutputTokens < 1) {
      throw new IllegalArgumentException(
          "endpoint " + name + ": maxOutputTokens must be >= 1, got " + maxOutputTokens);
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("endpoint " + name + ": timeout must be > 0");
    }
  }

  /**
   * An endpoint with no API key, a zero price, server-default sampling and a 120 s timeout.
   *
   * @param name the endpoint's name
   * @param baseUrl the API base URL
   * @param model the model name
   * @return the endpoint
   */
  public static OpenAiEndpoint of(String name, String baseUrl, String model) {
    return new OpenAiEndpoint(
        name, baseUrl, model, null, ModelPrice.free(), null, null, Duration.ofSeconds(120));
  }

  /**
   * @param envVar the environment variable holding the API key
   * @return a copy reading its key from that variable
   */
  public OpenAiEndpoint withApiKeyEnv(String envVar) {
    return new OpenAiEndpoint(
        name, baseUrl, model, envVar, price, temperature, maxOutputTokens, timeout);
  }

  /**
   * @param p the price
   * @return a copy with that price
   */
  public OpenAiEndpoint withPrice(ModelPrice p) {
    return new OpenAiEndpoint(
        name, baseUrl, model, apiKeyEnv, p, temperature, maxOutputTokens, timeout);
  }

  /**
   * @param t the temperature in [0, 2]
   * @param maxTokens the most output tokens
   * @return a copy with those sampling settings
   */
  public OpenAiEndpoint withSampling(@Nullable Double t, @Nullable Integer maxTokens) {
    return new OpenAiEndpoint(name, baseUrl, model, apiKeyEnv, price, t, maxTokens, timeout);
  }

  /**
   * @param t the per-HTTP-call timeout
   * @return a copy with that timeout
   */
  public OpenAiEndpoint withTimeout(Duration t) {
    return new OpenAiEndpoint(
        name, baseUrl, model, apiKeyEnv, price, temperature, maxOutputTokens, t);
  }
}
