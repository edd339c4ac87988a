package io.himoe.server.http;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Handler;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The server's routes, registered with Javalin and remembered, so that a request with the wrong
 * method gets a 405 naming the allowed ones ({@code Allow}) rather than a 404. API routes answer
 * both under {@code /v1} and without it, as OpenAI clients configured with a bare base URL expect.
 */
final class RouteTable {

  /** The methods the API uses. */
  enum Method {
    /** Reads. */
    GET,
    /** Creates or computes. */
    POST,
    /** Removes. */
    DELETE,
    /** CORS preflight. */
    OPTIONS
  }

  private record Route(Method method, String raw, Pattern path) {}

  private final List<Route> routes = new ArrayList<>();
  private final JavalinConfig cfg;

  RouteTable(JavalinConfig cfg) {
    this.cfg = cfg;
  }

  /**
   * Registers an API route under {@code /v1} and without the prefix.
   *
   * @param method the HTTP method
   * @param path the path after {@code /v1}, e.g. {@code /chat/completions}
   * @param handler the handler
   */
  void api(Method method, String path, Handler handler) {
    add(method, "/v1" + path, handler);
    add(method, path, handler);
  }

  /**
   * Registers a route at exactly this path.
   *
   * @param method the HTTP method
   * @param path the path, with {@code {param}} segments
   * @param handler the handler
   */
  void add(Method method, String path, Handler handler) {
    switch (method) {
      case GET -> cfg.routes.get(path, handler);
      case POST -> cfg.routes.post(path, handler);
      case DELETE -> cfg.routes.delete(path, handler);
      case OPTIONS -> cfg.routes.options(path, handler);
    }
    routes.add(new Route(method, path, Pattern.compile(path.replaceAll("\\{[^/]+}", "[^/]+"))));
  }

  /**
   * @param path a request path
   * @return the methods a route at that path answers (empty when no route matches)
   */
  Set<String> allowed(String path) {
    Set<String> out = new LinkedHashSet<>();
    for (Route r : routes) {
      if (r.method() != Method.OPTIONS && r.path().matcher(path).matches()) {
        out.add(r.method().name());
      }
    }
    return out;
  }

  /**
   * Answers CORS preflight requests ({@code OPTIONS}) on every registered path.
   *
   * @param handler the preflight handler
   */
  void preflight(Handler handler) {
    Set<String> paths = new LinkedHashSet<>();
    routes.forEach(r -> paths.add(r.raw()));
    paths.forEach(p -> add(Method.OPTIONS, p, handler));
  }
}
