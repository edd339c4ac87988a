package io.himoe.shared;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The single input type every expert receives: text, raw bytes, a feature vector or a chat
 * conversation. Constructors validate: text must be non-blank, features must be finite, a
 * conversation must have a user turn; a violation is a {@link MoeError.InvalidInput} naming the
 * problem. Experts that only read text use {@link #toText()}, which for a conversation is its last
 * user turn.
 */
public sealed interface InputData {

  /**
   * Text input.
   *
   * @param text the text, not blank
   */
  record Text(String text) implements InputData {
    /** Validates the text. */
    public Text {
      if (text == null) {
        throw new MoeError.InvalidInput("text is null");
      }
      if (text.isBlank()) {
        throw new MoeError.InvalidInput("text is empty");
      }
    }
  }

  /**
   * Binary input (image, audio, ...). The array is copied on the way in and out.
   *
   * @param bytes the content, not empty
   */
  record Bytes(byte[] bytes) implements InputData {
    /** Validates and copies the bytes. */
    public Bytes {
      if (bytes == null || bytes.length == 0) {
        throw new MoeError.InvalidInput("bytes are empty");
      }
      bytes = bytes.clone();
    }

    /**
     * @return a copy of the bytes (the record stays immutable)
     */
    @Override
    public byte[] bytes() {
      return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Bytes b && Arrays.equals(bytes, b.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "Bytes[" + bytes.length + " bytes]";
    }
  }

  /**
   * A feature vector. Every value must be finite.
   *
   * @param values the features, not empty
   */
  record Features(float[] values) implements InputData {
    /** Validates and copies the features. */
    public Features {
      if (values == null || values.length == 0) {
        throw new MoeError.InvalidInput("features are empty");
      }
      for (int i = 0; i < values.length; i++) {
        if (!Float.isFinite(values[i])) {
          throw new MoeError.InvalidInput("feature[" + i + "] is " + values[i] + ", not finite");
        }
      }
      values = values.clone();
    }

    /**
     * @return a copy of the features (the record stays immutable)
     */
    @Override
    public float[] values() {
      return values.clone();
    }

    /**
     * @return the number of features
     */
    public int dimension() {
      return values.length;
    }

    /**
     * @param i index
     * @return the i-th feature, without copying the vector
     */
    public float get(int i) {
      return values[i];
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Features f && Arrays.equals(values, f.values);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
      return "Features[dim=" + values.length + "]";
    }
  }

  /**
   * A chat conversation (OpenAI's {@code messages}) with the client's generation parameters. Its
   * {@link #toText()} is the last user turn, so experts that read text keep working; experts that
   * generate (LLM endpoints) read the whole conversation.
   *
   * @param messages the turns, oldest first; at least one is a user turn
   * @param params how the answer should be generated
   * @param routeTurns earlier turns routers read besides the last user turn ({@link
   *     #routingText()}), &gt;= 0
   */
  record Conversation(List<Message> messages, GenerationParams params, int routeTurns)
      implements InputData {

    /** Earlier turns routers read when the configuration says nothing. */
    public static final int DEFAULT_ROUTE_TURNS = 2;

    /** Validates and copies. */
    public Conversation {
      messages = List.copyOf(Objects.requireNonNull(messages, "messages"));
      Objects.requireNonNull(params, "params");
      if (!hasUser(messages)) {
        throw new MoeError.InvalidInput("a conversation needs at least one user message");
      }
      if (routeTurns < 0) {
        throw new IllegalArgumentException("routeTurns must be >= 0, got " + routeTurns);
      }
    }

    // Once per request: a loop, not a stream.
    private static boolean hasUser(List<Message> messages) {
      for (Message m : messages) {
        if (m.role() == Message.Role.USER) {
          return true;
        }
      }
      return false;
    }

    /**
     * @param messages the turns, oldest first
     * @param params how the answer should be generated
     */
    public Conversation(List<Message> messages, GenerationParams params) {
      this(messages, params, DEFAULT_ROUTE_TURNS);
    }

    @Override
    public String routingText() {
      return window(routeTurns);
    }

    /**
     * @param messages the turns, oldest first
     * @return a conversation with default parameters
     */
    public static Conversation of(List<Message> messages) {
      return new Conversation(messages, GenerationParams.DEFAULT);
    }

    /**
     * @return the last user turn
     */
    public Message lastUser() {
      for (int i = messages.size() - 1; i >= 0; i--) {
        if (messages.get(i).role() == Message.Role.USER) {
          return messages.get(i);
        }
      }
      throw new IllegalStateException("validated: a conversation has a user turn");
    }

    /**
     * The text a router reads: the last user turn and, before it, up to {@code earlier} earlier
     * user and assistant turns, oldest first, one per line.
     *
     * @param earlier how many turns before the last user turn, &gt;= 0
     * @return the routing text
     */
    public String window(int earlier) {
      int last = messages.lastIndexOf(lastUser());
      List<String> parts = new ArrayList<>();
      for (int i = last - 1; i >= 0 && parts.size() < earlier; i--) {
        Message m = messages.get(i);
        if ((m.role() == Message.Role.USER || m.role() == Message.Role.ASSISTANT)
            && !m.text().isBlank()) {
          parts.add(m.text());
        }
      }
      Collections.reverse(parts);
      parts.add(lastUser().text());
      return String.join("\n", parts);
    }

    /**
     * @param params other parameters
     * @return the same turns with those parameters
     */
    public Conversation withParams(GenerationParams params) {
      return new Conversation(messages, params, routeTurns);
    }
  }

  /**
   * @param text the text
   * @return a text input
   * @throws MoeError.InvalidInput if the text is null or blank
   */
  static InputData text(String text) {
    return new Text(text);
  }

  /**
   * @param values the features
   * @return a feature input
   * @throws MoeError.InvalidInput if a value is not finite or the vector is empty
   */
  static InputData features(float... values) {
    return new Features(values);
  }

  /**
   * @param bytes the content
   * @return a binary input
   */
  static InputData bytes(byte[] bytes) {
    return new Bytes(bytes);
  }

  /**
   * @param messages the turns, oldest first
   * @return a conversation with default parameters
   */
  static InputData conversation(List<Message> messages) {
    return Conversation.of(messages);
  }

  /**
   * @return the text when this is a {@link Text}, the last user turn's text when this is a {@link
   *     Conversation} (empty when that turn is only an image), else empty
   */
  default Optional<String> asText() {
    return switch (this) {
      case Text(String t) -> Optional.of(t);
      case Conversation c ->
          c.lastUser().text().isBlank() ? Optional.empty() : Optional.of(c.lastUser().text());
      default -> Optional.empty();
    };
  }

  /**
   * A short human-readable form for traces and logs: the text (cut to 200 characters) or a
   * description of the binary or vector content.
   *
   * @return a description of this input
   */
  default String describe() {
    return switch (this) {
      case Text(String t) -> t.length() <= 200 ? t : t.substring(0, 200) + "…";
      case Bytes b -> b.toString();
      case Features f -> f.toString();
      case Conversation c -> {
        String t = c.lastUser().text();
        String cut = t.length() <= 200 ? t : t.substring(0, 200) + "…";
        yield c.messages().size() == 1 ? cut : cut + " [" + c.messages().size() + " messages]";
      }
    };
  }

  /**
   * The text an expert can read: the text itself, the bytes decoded as UTF-8, the features printed,
   * or a conversation's last user turn. Useful for experts that only understand text.
   *
   * @return a textual rendering of this input
   */
  default String toText() {
    return switch (this) {
      case Text(String t) -> t;
      case Bytes b -> new String(b.bytes(), StandardCharsets.UTF_8);
      case Features f -> Arrays.toString(f.values());
      case Conversation c -> c.lastUser().text();
    };
  }

  /**
   * The text a router reads to choose experts: {@link #toText()}, or for a conversation its last
   * user turn with {@link Conversation#routeTurns()} earlier turns before it.
   *
   * @return the routing text
   */
  default String routingText() {
    return toText();
  }

  /**
   * @return the generation parameters: a conversation's (its record accessor), else the defaults
   */
  default GenerationParams params() {
    return GenerationParams.DEFAULT;
  }
}
