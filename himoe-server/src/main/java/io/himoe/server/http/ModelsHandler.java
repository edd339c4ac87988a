package io.himoe.server.http;

import io.himoe.server.assembly.Assembly;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** {@code GET /v1/models}: the models a client may ask for ({@code himoe} and each router). */
final class ModelsHandler {

  /**
   * The model list, as OpenAI sends it.
   *
   * @param object always {@code list}
   * @param data the models
   */
  record ModelList(String object, List<Model> data) {}

  /**
   * One model.
   *
   * @param id {@code himoe} or a router id
   * @param object always {@code model}
   * @param created seconds since the epoch (0: defined by the configuration)
   * @param ownedBy always {@code himoe}
   */
  record Model(String id, String object, long created, String ownedBy) {}

  private final Assembly assembly;

  ModelsHandler(Assembly assembly) {
    this.assembly = assembly;
  }

  void get(Context ctx) throws IOException {
    String id = ctx.pathParam("id");
    if (!id.equals(Assembly.AUTO_MODEL) && !assembly.routerIds().contains(id)) {
      throw new ApiError(
          404,
          "model_not_found",
          "model",
          "model: unknown model '"
              + id
              + "' (known: "
              + Assembly.AUTO_MODEL
              + ", "
              + String.join(", ", assembly.routerIds())
              + ")");
    }
    Responses.json(ctx, 200, new Model(id, "model", 0, "himoe"));
  }

  void list(Context ctx) throws IOException {
    List<String> ids = new ArrayList<>();
    ids.add(Assembly.AUTO_MODEL);
    ids.addAll(assembly.routerIds());
    Responses.json(
        ctx,
        200,
        new ModelList("list", ids.stream().map(id -> new Model(id, "model", 0, "himoe")).toList()));
  }
}
