package io.himoe.shared;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The common output format every expert returns. Every variant carries a {@code schema} version so
 * that the format of its payload can evolve; {@link #CURRENT_SCHEMA} is what the factories use.
 */
public sealed interface Value {

  /** The schema version the factories stamp on new values. */
  int CURRENT_SCHEMA = 1;

  /**
   * @return the schema version of this value's payload
   */
  int schema();

  /**
   * A textual answer or rationale.
   *
   * @param schema payload version
   * @param data the text
   */
  record Text(int schema, String data) implements Value {
    /** Validates. */
    public Text {
      Objects.requireNonNull(data, "data");
    }
  }

  /**
   * A structured symbolic plan.
   *
   * @param schema payload version
   * @param data the plan
   */
  record Plan(int schema, io.himoe.shared.Plan data) implements Value {
    /** Validates. */
    public Plan {
      Objects.requireNonNull(data, "data");
    }
  }

  /**
   * An ad-hoc structured result.
   *
   * @param schema payload version (of the JSON layout the expert documents)
   * @param data the JSON tree
   */
  record Json(int schema, JsonNode data) implements Value {
    /** Validates. */
    public Json {
      Objects.requireNonNull(data, "data");
    }
  }

  /**
   * A vector representation. The array is copied on the way in and out.
   *
   * @param schema payload version
   * @param data the vector
   */
  record Embedding(int schema, float[] data) implements Value {
    /** Validates and copies. */
    public Embedding {
      data = Objects.requireNonNull(data, "data").clone();
    }

    @Override
    public float[] data() {
      return data.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Embedding e && schema == e.schema && Arrays.equals(data, e.data);
    }

    @Override
    public int hashCode() {
      return 31 * schema + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
      return "Embedding[schema=" + schema + ", dim=" + data.length + "]";
    }
  }

  /**
   * Binary content (compressed image, audio, ...). The array is copied on the way in and out.
   *
   * @param schema payload version
   * @param data the bytes
   */
  record Bytes(int schema, byte[] data) implements Value {
    /** Validates and copies. */
    public Bytes {
      data = Objects.requireNonNull(data, "data").clone();
    }

    @Override
    public byte[] data() {
      return data.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Bytes b && schema == b.schema && Arrays.equals(data, b.data);
    }

    @Override
    public int hashCode() {
      return 31 * schema + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
      return "Bytes[schema=" + schema + ", " + data.length + " bytes]";
    }
  }

  /**
   * No useful result, with the reason.
   *
   * @param schema payload version
   * @param reason why there is no result
   */
  record None(int schema, String reason) implements Value {
    /** Validates. */
    public None {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * A model's request to call tools: the client runs them and sends their results back in later
   * turns of the conversation.
   *
   * @param schema payload version
   * @param text text the model sent with the calls, possibly empty
   * @param calls the tools called, at least one
   */
  record ToolCalls(int schema, String text, List<ToolCall> calls) implements Value {
    /** Validates and copies. */
    public ToolCalls {
      Objects.requireNonNull(text, "text");
      calls = List.copyOf(calls);
      if (calls.isEmpty()) {
        throw new IllegalArgumentException("a tool-calls value needs at least one call");
      }
    }
  }

  /**
   * @param text the text
   * @return a text value at the current schema
   */
  static Value text(String text) {
    return new Text(CURRENT_SCHEMA, text);
  }

  /**
   * @param schema payload version
   * @param text the text
   * @return a text value
   */
  static Value text(int schema, String text) {
    return new Text(schema, text);
  }

  /**
   * @param plan the plan
   * @return a plan value at the current schema
   */
  static Value plan(io.himoe.shared.Plan plan) {
    return new Plan(CURRENT_SCHEMA, plan);
  }

  /**
   * @param text text sent with the calls, possibly empty
   * @param calls the tools called
   * @return a tool-calls value at the current schema
   */
  static Value toolCalls(String text, List<ToolCall> calls) {
    return new ToolCalls(CURRENT_SCHEMA, text, calls);
  }

  /**
   * @param schema payload version
   * @param json the JSON tree
   * @return a JSON value
   */
  static Value json(int schema, JsonNode json) {
    return new Json(schema, json);
  }

  /**
   * @param vector the vector
   * @return an embedding value at the current schema
   */
  static Value embedding(float[] vector) {
    return new Embedding(CURRENT_SCHEMA, vector);
  }

  /**
   * @param reason why there is no result
   * @return the empty value
   */
  static Value none(String reason) {
    return new None(CURRENT_SCHEMA, reason);
  }

  /**
   * @return the text when this is {@link Text}, else empty
   */
  default Optional<String> asText() {
    return this instanceof Text t ? Optional.of(t.data()) : Optional.empty();
  }

  /**
   * @return the plan when this is {@link Plan}, else empty
   */
  default Optional<io.himoe.shared.Plan> asPlan() {
    return this instanceof Plan p ? Optional.of(p.data()) : Optional.empty();
  }

  /**
   * @return the JSON tree when this is {@link Json}, else empty
   */
  default Optional<JsonNode> asJson() {
    return this instanceof Json j ? Optional.of(j.data()) : Optional.empty();
  }

  /**
   * @return the vector when this is {@link Embedding}, else empty
   */
  default Optional<float[]> asEmbedding() {
    return this instanceof Embedding e ? Optional.of(e.data()) : Optional.empty();
  }

  /**
   * @return whether this is {@link None}
   */
  default boolean isNone() {
    return this instanceof None;
  }

  /**
   * A one-line human-readable rendering for traces, CLIs and synthesis prompts.
   *
   * @return this value as text
   */
  default String render() {
    return switch (this) {
      case Text t -> t.data();
      case Plan p -> {
        StringBuilder sb = new StringBuilder(p.data().goal());
        int i = 1;
        for (PlanStep s : p.data().steps()) {
          sb.append("\n  ")
              .append(i++)
              .append(". [")
              .append(s.done() ? 'x' : ' ')
              .append("] ")
              .append(s.description());
        }
        yield sb.toString();
      }
      case Json j -> j.data().toString();
      case Embedding e -> e.toString();
      case Bytes b -> b.toString();
      case None n -> "(no result: " + n.reason() + ")";
      case ToolCalls c -> {
        StringBuilder sb = new StringBuilder(c.text());
        for (ToolCall call : c.calls()) {
          if (!sb.isEmpty()) {
            sb.append('\n');
          }
          sb.append("(tool call ")
              .append(call.name())
              .append(' ')
              .append(call.arguments())
              .append(')');
        }
        yield sb.toString();
      }
    };
  }
}
