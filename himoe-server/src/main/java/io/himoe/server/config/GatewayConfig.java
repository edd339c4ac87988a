package io.himoe.server.config;

import java.util.List;

/**
 * How the OpenAI-compatible edge treats requests (the {@code gateway} section).
 *
 * @param unknownParams what to do with a chat parameter the gateway does not know: {@code error}
 *     (default: 400 naming it, as OpenAI does) or {@code drop} (ignore it)
 * @param tokenizer the encoding tokens are counted with where no upstream reports usage: {@code
 *     o200k_base} (default), {@code cl100k_base}, {@code p50k_base}, {@code r50k_base}
 * @param routeTurns earlier conversation turns routers read besides the last user turn, default 2
 * @param remoteImages whether {@code http(s)} image URLs are accepted (passed on to experts);
 *     default false: images must come inline as {@code data:} URLs
 * @param cors cross-origin access from browsers; off when no origin is listed
 */
public record GatewayConfig(
    String unknownParams, String tokenizer, Integer routeTurns, Boolean remoteImages, Cors cors) {

  /** Every default. */
  public static final GatewayConfig DEFAULTS = new GatewayConfig(null, null, null, null, null);

  /** Applies defaults. */
  public GatewayConfig {
    unknownParams = unknownParams == null ? "error" : unknownParams;
    tokenizer = tokenizer == null ? "o200k_base" : tokenizer;
    routeTurns = routeTurns == null ? 2 : routeTurns;
    remoteImages = remoteImages != null && remoteImages;
    cors = cors == null ? new Cors(null, null) : cors;
  }

  /**
   * @return whether unknown chat parameters are ignored rather than refused
   */
  public boolean dropUnknownParams() {
    return unknownParams.equals("drop");
  }

  /**
   * Cross-origin resource sharing.
   *
   * @param origins allowed origins ({@code https://app.example.com}, or {@code *}); empty (the
   *     default) turns CORS off
   * @param maxAgeS how long a browser may cache a preflight answer, in seconds, default 600
   */
  public record Cors(List<String> origins, Long maxAgeS) {
    /** Applies defaults. */
    public Cors {
      origins = origins == null ? List.of() : List.copyOf(origins);
      maxAgeS = maxAgeS == null ? 600L : maxAgeS;
    }

    /**
     * @return whether CORS is on
     */
    public boolean enabled() {
      return !origins.isEmpty();
    }
  }
}
