package io.himoe.server.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of {@code POST /v1/embeddings}, as OpenAI defines it.
 *
 * @param model the encoder, one of {@link EmbeddingsHandler#MODELS}
 * @param input one text or an array of texts (token arrays are refused: the encoders tokenize)
 * @param encodingFormat {@code float} (default) or {@code base64} (little-endian float32)
 * @param dimensions the vector size asked for; only the encoder's own size is accepted
 * @param user the end user, as OpenAI takes it (not used)
 */
record EmbeddingsRequest(
    String model,
    JsonNode input,
    @JsonProperty("encoding_format") String encodingFormat,
    Integer dimensions,
    String user)
    implements Validated {

  /** OpenAI's limit on inputs per request. */
  static final int MAX_INPUTS = 2048;

  @Override
  public void validate() {
    if (model == null || model.isBlank()) {
      throw ApiError.invalid(
          "model", "expected an encoder name, one of " + EmbeddingsHandler.MODELS);
    }
    if (encodingFormat != null
        && !encodingFormat.equals("float")
        && !encodingFormat.equals("base64")) {
      throw ApiError.invalid(
          "encoding_format", "expected 'float' or 'base64', got '" + encodingFormat + "'");
    }
    texts();
  }

  /**
   * @return the input texts, in order
   * @throws ApiError 400 naming {@code input} when it is missing, empty, or not text
   */
  List<String> texts() {
    if (input == null || input.isNull()) {
      throw ApiError.invalid("input", "expected a string or an array of strings");
    }
    if (input.isTextual()) {
      return List.of(nonBlank(input.asText(), "input"));
    }
    if (!input.isArray() || input.isEmpty()) {
      throw ApiError.invalid(
          "input", "expected a non-empty string or a non-empty array of strings");
    }
    if (input.size() > MAX_INPUTS) {
      throw ApiError.invalid(
          "input", "at most " + MAX_INPUTS + " inputs per request, got " + input.size());
    }
    List<String> out = new ArrayList<>(input.size());
    for (int i = 0; i < input.size(); i++) {
      JsonNode x = input.get(i);
      if (!x.isTextual()) {
        throw ApiError.invalid(
            "input[" + i + "]",
            "expected a string (token arrays are not accepted: the encoders tokenize themselves)");
      }
      out.add(nonBlank(x.asText(), "input[" + i + "]"));
    }
    return out;
  }

  boolean base64() {
    return "base64".equals(encodingFormat);
  }

  private static String nonBlank(String s, String param) {
    if (s.isBlank()) {
      throw ApiError.invalid(param, "expected a non-empty string");
    }
    return s;
  }
}
