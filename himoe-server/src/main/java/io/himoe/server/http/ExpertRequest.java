package io.himoe.server.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /v1/experts}: an expert added at run time, in the configuration's terms.
 *
 * @param name unique name
 * @param kind what it is ({@code planner}, {@code openai}, ...)
 * @param endpoint for endpoint kinds: the base URL
 * @param models for endpoint kinds: the model names, tried in order
 * @param apiKeyEnv for endpoint kinds: the server environment variable holding the key
 * @param keywords words that make keyword routers favour it
 * @param costPerCall cost units charged per call
 * @param costPer1kTokens cost units per 1,000 tokens
 * @param maxInstances calls in flight at once
 * @param timeoutMs for endpoint kinds: HTTP timeout in ms
 * @param options kind-specific settings
 * @param examples example requests for learned routers
 * @param routers the routers that gate over it; empty means all
 */
record ExpertRequest(
    String name,
    String kind,
    String endpoint,
    List<String> models,
    String apiKeyEnv,
    List<String> keywords,
    Double costPerCall,
    @JsonProperty("cost_per_1k_tokens") Double costPer1kTokens,
    Integer maxInstances,
    Long timeoutMs,
    Map<String, String> options,
    List<String> examples,
    List<String> routers)
    implements Validated {

  /** Applies defaults. */
  ExpertRequest {
    models = models == null ? List.of() : List.copyOf(models);
    keywords = keywords == null ? List.of() : List.copyOf(keywords);
    options = options == null ? Map.of() : Map.copyOf(options);
    examples = examples == null ? List.of() : List.copyOf(examples);
    routers = routers == null ? List.of() : List.copyOf(routers);
  }

  @Override
  public void validate() {
    if (name == null || name.isBlank()) {
      throw ApiError.invalid("name", "expected a non-empty string");
    }
    if (kind == null || kind.isBlank()) {
      throw ApiError.invalid("kind", "expected a non-empty string");
    }
  }
}
