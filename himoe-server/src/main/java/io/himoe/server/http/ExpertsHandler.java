package io.himoe.server.http;

import io.himoe.server.assembly.Assembly;
import io.himoe.server.assembly.ExpertKinds;
import io.himoe.server.config.HimoeConfig;
import io.himoe.server.config.KeyEnvPolicy;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** {@code /v1/experts}: list, add (admin) and remove (admin) experts at run time. */
final class ExpertsHandler {

  /**
   * The expert listing.
   *
   * @param experts every expert with its statistics
   * @param kinds the expert kinds that can be added
   * @param routers the router ids
   */
  record Listing(List<Assembly.ExpertInfo> experts, List<String> kinds, List<String> routers) {}

  private final Assembly assembly;
  private final JsonBodies bodies;
  private final ApiKeys keys;
  private final Map<String, String> env;
  private final KeyEnvPolicy keyEnv;

  ExpertsHandler(Assembly assembly, JsonBodies bodies, ApiKeys keys, Map<String, String> env) {
    this.assembly = assembly;
    this.bodies = bodies;
    this.keys = keys;
    this.env = env;
    this.keyEnv = KeyEnvPolicy.of(assembly.config());
  }

  void list(Context ctx) throws IOException {
    Responses.json(
        ctx,
        200,
        new Listing(assembly.experts(), List.copyOf(ExpertKinds.names()), assembly.routerIds()));
  }

  void add(Context ctx) throws IOException {
    keys.check(ctx, ApiKeys.Route.ADMIN);
    ExpertRequest b = bodies.read(ctx, ExpertRequest.class);
    String apiKey = null;
    if (b.apiKeyEnv() != null) {
      // Checked before the variable is read, so a refusal says nothing about what is set.
      if (!keyEnv.allows(b.apiKeyEnv())) {
        throw ApiError.invalid(
            "api_key_env",
            "environment variable "
                + b.apiKeyEnv()
                + " may not hold an expert's key: allowed are "
                + String.join(", ", keyEnv.patterns())
                + " (server.auth.expert_key_env), never the server's own HIMOE_* variables");
      }
      apiKey = env.get(b.apiKeyEnv());
      if (apiKey == null) {
        throw ApiError.invalid(
            "api_key_env", "environment variable " + b.apiKeyEnv() + " is not set on the server");
      }
    }
    HimoeConfig.Expert spec =
        new HimoeConfig.Expert(
            b.name(),
            b.kind(),
            b.models(),
            b.endpoint(),
            apiKey,
            b.costPerCall(),
            b.costPer1kTokens(),
            b.maxInstances(),
            List.of(),
            b.keywords(),
            b.timeoutMs(),
            b.options(),
            b.examples());
    Assembly.ExpertInfo info;
    try {
      info = assembly.addExpert(spec, b.routers());
    } catch (IllegalArgumentException e) {
      String message = ApiError.messageOf(e);
      if (message.contains("already exists")) {
        throw new ApiError(409, "expert_exists", "name", message);
      }
      throw ApiError.badRequest(message);
    }
    Responses.json(ctx, 201, info);
  }

  void remove(Context ctx) {
    keys.check(ctx, ApiKeys.Route.ADMIN);
    String name = ctx.pathParam("name");
    boolean removed;
    try {
      removed = assembly.removeExpert(name);
    } catch (IllegalArgumentException e) {
      throw new ApiError(409, "expert_in_use", ApiError.messageOf(e));
    }
    if (!removed) {
      throw ApiError.notFound("expert_not_found", "no expert named '" + name + "'");
    }
    ctx.status(204);
  }
}
