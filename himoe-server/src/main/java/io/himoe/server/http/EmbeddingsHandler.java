package io.himoe.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.himoe.experts.encoders.Encoders;
import io.himoe.experts.llm.TokenCounter;
import io.himoe.shared.Encoded;
import io.himoe.shared.Encoder;
import io.himoe.shared.InputData;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code POST /v1/embeddings}: OpenAI's embeddings endpoint, served by the in-process encoders (the
 * ones routers use): one text or a batch, vectors as floats or base64. Only the built-in encoders
 * by name; files ({@code onnx:...}) are never loaded on a client's word.
 */
final class EmbeddingsHandler {

  /** The encoders a client may name. */
  static final List<String> MODELS = Encoders.NAMES;

  private final ApiKeys keys;
  private final JsonBodies bodies;
  private final TokenCounter tokens;
  // At most one per name in MODELS; a sentence model is loaded once, on its first request.
  private final Map<String, Encoder> encoders = new ConcurrentHashMap<>();

  EmbeddingsHandler(ApiKeys keys, JsonBodies bodies, TokenCounter tokens) {
    this.keys = keys;
    this.bodies = bodies;
    this.tokens = tokens;
  }

  void handle(Context ctx) throws IOException {
    keys.check(ctx, ApiKeys.Route.EMBEDDINGS);
    EmbeddingsRequest req = bodies.read(ctx, EmbeddingsRequest.class);
    if (!MODELS.contains(req.model())) {
      throw ApiError.notFound(
          "model_not_found",
          "embedding model '" + req.model() + "' does not exist; expected one of " + MODELS);
    }
    List<String> texts = req.texts();
    Encoder encoder;
    try {
      encoder = encoders.computeIfAbsent(req.model(), Encoders::byName);
    } catch (IllegalArgumentException e) {
      // A built-in model this server was started without (the jar carries only minilm's).
      throw ApiError.notFound("model_not_found", ApiError.messageOf(e));
    }
    List<Encoded> vectors = encoder.encodeAll(texts.stream().map(InputData::text).toList());
    int dimension = vectors.getFirst().dimension();
    if (req.dimensions() != null && req.dimensions() != dimension) {
      throw ApiError.invalid(
          "dimensions",
          "model '"
              + req.model()
              + "' gives "
              + dimension
              + " dimensions, got "
              + req.dimensions());
    }
    ObjectNode out = JsonBodies.MAPPER.createObjectNode();
    out.put("object", "list");
    ArrayNode data = out.putArray("data");
    for (int i = 0; i < vectors.size(); i++) {
      ObjectNode item = data.addObject();
      item.put("object", "embedding");
      item.put("index", i);
      float[] v = vectors.get(i).vector();
      if (req.base64()) {
        item.put("embedding", base64(v));
      } else {
        ArrayNode a = item.putArray("embedding");
        for (float f : v) {
          a.add(f);
        }
      }
    }
    out.put("model", req.model());
    int prompt = texts.stream().mapToInt(tokens::count).sum();
    out.putObject("usage").put("prompt_tokens", prompt).put("total_tokens", prompt);
    Responses.json(ctx, 200, out);
  }

  /** As OpenAI encodes them: the float32 values, little-endian, in base64. */
  static String base64(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      b.putFloat(f);
    }
    return Base64.getEncoder().encodeToString(b.array());
  }
}
