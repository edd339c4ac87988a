package io.himoe.server.http;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.List;

/**
 * The server's API keys and the check of a request's {@code Authorization: Bearer} header. Keys are
 * kept only as SHA-256 digests and compared in constant time against every key, so neither memory
 * nor timing reveals a key; a key is never logged or echoed.
 */
final class ApiKeys {

  private final List<byte[]> digests;
  private final boolean enabled;

  /**
   * @param keys the accepted keys (blank ones are ignored)
   * @param enabled whether protected routes need a key
   */
  ApiKeys(Collection<String> keys, boolean enabled) {
    this.digests =
        keys.stream().map(String::strip).filter(k -> !k.isEmpty()).map(ApiKeys::sha256).toList();
    this.enabled = enabled;
  }

  /**
   * @return whether protected routes need a key
   */
  boolean enabled() {
    return enabled;
  }

  /**
   * Refuses the request unless auth is off or it carries a valid key.
   *
   * @param ctx the request
   * @throws ApiError 401 when the key is missing or not valid
   */
  void authorize(Context ctx) {
    if (!enabled) {
      return;
    }
    if (digests.isEmpty()) {
      throw new ApiError(
          401,
          "unauthorized",
          "this route needs an API key, and none is configured: set HIMOE_API_KEYS or"
              + " server.auth.api_keys");
    }
    String h = ctx.header("Authorization");
    if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new ApiError(401, "unauthorized", "missing 'Authorization: Bearer <api key>' header");
    }
    byte[] given = sha256(h.substring(7).strip());
    boolean ok = false;
    for (byte[] k : digests) {
      // Every key is compared, in constant time, so timing does not say which one matched.
      ok |= MessageDigest.isEqual(k, given);
    }
    if (!ok) {
      throw new ApiError(401, "unauthorized", "the API key is not valid");
    }
  }

  static byte[] sha256(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
