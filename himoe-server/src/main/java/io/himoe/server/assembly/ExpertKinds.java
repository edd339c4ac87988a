package io.himoe.server.assembly;

import io.himoe.experts.Expert;
import io.himoe.experts.planning.RulePlanner;
import io.himoe.server.config.HimoeConfig;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The expert kinds a configuration can name, and how each is built from its spec.
 *
 * <ul>
 *   <li>{@code planner}: the rule-based planner (goal text to ordered steps).
 *   <li>{@code openai}: an OpenAI-compatible chat endpoint ({@code endpoint}, {@code models},
 *       {@code api_key}), including another Hi-MoE server.
 * </ul>
 */
public final class ExpertKinds {

  private static final Set<String> NAMES = Set.of("planner", "openai");
  private static final Set<String> ENDPOINT_KINDS = Set.of("openai");

  private ExpertKinds() {}

  /**
   * @return every kind this build can create, sorted
   */
  public static Set<String> names() {
    return new TreeSet<>(NAMES);
  }

  /**
   * @param kind a kind
   * @return whether it calls a remote endpoint (and needs {@code endpoint} and {@code models})
   */
  public static boolean needsEndpoint(String kind) {
    return ENDPOINT_KINDS.contains(kind);
  }

  /**
   * Builds the bare expert of a spec (limits and fallbacks are added by the assembly).
   *
   * @param spec the spec (validated)
   * @param http the HTTP client endpoint kinds use
   * @return the expert
   * @throws IllegalArgumentException for an unknown kind
   */
  public static Expert create(HimoeConfig.Expert spec, HttpClient http) {
    return switch (spec.kind()) {
      case "planner" -> new RulePlanner(spec.name());
      case "openai" -> new RemoteChatExpert(spec, http);
      default ->
          throw new IllegalArgumentException(
              "unknown expert kind '"
                  + spec.kind()
                  + "' (expected one of "
                  + String.join(", ", names())
                  + ")");
    };
  }

  /**
   * @param spec a spec
   * @return the keywords keyword routers use for it
   */
  static List<String> keywords(HimoeConfig.Expert spec) {
    return spec.keywords();
  }
}
