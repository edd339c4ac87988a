package io.himoe.server.http;

import io.himoe.server.config.HimoeConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The server's API keys and the routes they protect. Keys are kept only as SHA-256 digests and a
 * presented key is compared in constant time against every one, so neither memory nor timing
 * reveals a key; a key is never logged or echoed (requests are known by the key's alias).
 */
final class ApiKeys {

  /** The routes a configuration can protect ({@code server.auth.protect}). */
  enum Route {
    /** Chat completions. */
    CHAT,
    /** Embeddings. */
    EMBEDDINGS,
    /** Route previews. */
    ROUTE,
    /** Feedback. */
    FEEDBACK,
    /** Adding and removing experts. */
    ADMIN
  }

  private record Entry(byte[] digest, Caller caller) {}

  private final List<Entry> entries;
  private final boolean enabled;
  private final Set<Route> protectedRoutes;

  /**
   * @param auth the auth section
   * @param env environment variables ({@code HIMOE_API_KEYS}: more admin keys, comma-separated)
   */
  ApiKeys(HimoeConfig.Auth auth, Map<String, String> env) {
    this.enabled = auth.enabled();
    List<Entry> list = new ArrayList<>();
    Set<String> admins = new LinkedHashSet<>();
    auth.apiKeys().stream().map(String::strip).filter(k -> !k.isEmpty()).forEach(admins::add);
    String fromEnv = env.get("HIMOE_API_KEYS");
    if (fromEnv != null) {
      for (String k : fromEnv.split(",")) {
        if (!k.isBlank()) {
          admins.add(k.strip());
        }
      }
    }
    int n = 1;
    for (String k : admins) {
      list.add(new Entry(sha256(k), new Caller(Optional.of("key-" + n++), true, Optional.empty())));
    }
    for (HimoeConfig.Key k : auth.keys()) {
      list.add(
          new Entry(
              sha256(k.key().strip()),
              new Caller(Optional.of(k.alias()), k.admin(), Optional.of(k))));
    }
    this.entries = List.copyOf(list);
    Set<Route> routes = new LinkedHashSet<>();
    auth.protect().forEach(r -> routes.add(Route.valueOf(r.toUpperCase(Locale.ROOT))));
    this.protectedRoutes = Set.copyOf(routes);
  }

  /**
   * @return whether keys are checked at all
   */
  boolean enabled() {
    return enabled;
  }

  /**
   * The caller of a route: a valid key is required when the route is protected; a key given on an
   * open route must be valid too (it names the caller for limits, metrics and decision ownership).
   *
   * @param ctx the request
   * @param route the route
   * @return the caller (also kept as the request's {@link Caller#ATTRIBUTE})
   * @throws ApiError 401 for a missing or invalid key, 403 for a non-admin key on an admin route
   */
  Caller check(Context ctx, Route route) {
    Caller c = enabled && protectedRoutes.contains(route) ? require(ctx) : identify(ctx);
    if (route == Route.ADMIN && enabled && protectedRoutes.contains(route) && !c.admin()) {
      throw new ApiError(
          403, "permission_denied", "this route needs an admin key; '" + c.label() + "' is not");
    }
    return c;
  }

  /**
   * @return whether keys are checked and at least one is configured
   */
  boolean keysInUse() {
    return enabled && !entries.isEmpty();
  }

  /**
   * The caller of a route that shows inputs and answers (decision traces, the dashboard's decision
   * feed): a key is needed as soon as one is configured.
   *
   * @param ctx the request
   * @return the caller
   * @throws ApiError 401 for a missing or invalid key
   */
  Caller requireWhenKeysInUse(Context ctx) {
    return keysInUse() ? require(ctx) : identify(ctx);
  }

  /**
   * The caller of a route that needs a key.
   *
   * @param ctx the request
   * @return the caller
   * @throws ApiError 401 for a missing or invalid key, or when no key is configured
   */
  Caller require(Context ctx) {
    if (!enabled) {
      return remember(ctx, Caller.ANONYMOUS);
    }
    if (entries.isEmpty()) {
      throw new ApiError(
          401,
          "unauthorized",
          "this route needs an API key, and none is configured: set HIMOE_API_KEYS,"
              + " server.auth.api_keys or server.auth.keys");
    }
    Caller c = identify(ctx);
    if (c.alias().isEmpty()) {
      throw new ApiError(401, "unauthorized", "missing 'Authorization: Bearer <api key>' header");
    }
    return c;
  }

  /**
   * @param ctx the request
   * @return the caller its key names, or {@link Caller#ANONYMOUS} without a key
   * @throws ApiError 401 for a key that is not valid (when auth is enabled)
   */
  Caller identify(Context ctx) {
    String h = ctx.header("Authorization");
    // Without configured keys there is nothing to check a key against (a client that always
    // sends its upstream key, e.g. another gateway, is served as before).
    if (!enabled || h == null || entries.isEmpty()) {
      return remember(ctx, Caller.ANONYMOUS);
    }
    if (!h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new ApiError(401, "unauthorized", "expected 'Authorization: Bearer <api key>'");
    }
    byte[] given = sha256(h.substring(7).strip());
    Caller found = null;
    for (Entry e : entries) {
      // Every key is compared, in constant time, so timing does not say which one matched.
      if (MessageDigest.isEqual(e.digest(), given) && found == null) {
        found = e.caller();
      }
    }
    if (found == null) {
      throw new ApiError(401, "invalid_api_key", "the API key is not valid");
    }
    return remember(ctx, found);
  }

  private static Caller remember(Context ctx, Caller c) {
    ctx.attribute(Caller.ATTRIBUTE, c);
    return c;
  }

  static byte[] sha256(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
