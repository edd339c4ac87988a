package io.himoe.server.config;

import java.util.List;
import org.jspecify.annotations.Nullable;

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

  /**
   * Applies defaults: each null (an absent key) takes the default above.
   *
   * @param unknownParams {@code error} or {@code drop}, or null for {@code error}
   * @param tokenizer the encoding, or null for {@code o200k_base}
   * @param routeTurns earlier turns routers read, or null for 2
   * @param remoteImages whether image URLs are accepted, or null for false
   * @param cors cross-origin access, or null for off
   */
  public GatewayConfig(
      @Nullable String unknownParams,
      @Nullable String tokenizer,
      @Nullable Integer routeTurns,
      @Nullable Boolean remoteImages,
      @Nullable Cors cors) {
    this.unknownParams = unknownParams == null ? "error" : unknownParams;
    this.tokenizer = tokenizer == null ? "o200k_base" : tokenizer;
    this.routeTurns = routeTurns == null ? 2 : routeTurns;
    this.remoteImages = remoteImages != null && remoteImages;
    this.cors = cors == null ? Cors.OFF : cors;
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

    /** Every default: off. */
    public static final Cors OFF = new Cors(null, null);

    /**
     * Applies defaults.
     *
     * @param origins allowed origins, or null for none
     * @param maxAgeS preflight cache time in seconds, or null for 600
     */
    public Cors(@Nullable List<String> origins, @Nullable Long maxAgeS) {
      this.origins = origins == null ? List.of() : List.copyOf(origins);
      this.maxAgeS = maxAgeS == null ? 600L : maxAgeS;
    }

    /**
     * @return whether CORS is on
     */
    public boolean enabled() {
      return !origins.isEmpty();
    }
  }
}
