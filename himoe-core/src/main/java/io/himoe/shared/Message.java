package io.himoe.shared;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * One turn of a {@link InputData.Conversation}: who speaks ({@link Role}), what is said (text and
 * image parts), and for tool use, the calls an assistant made or the call a tool message answers.
 *
 * @param role who speaks
 * @param content the parts, in order (may be empty only for an assistant turn that calls tools)
 * @param name an optional participant name
 * @param toolCallId for {@link Role#TOOL} turns: the id of the call this result answers
 * @param toolCalls for {@link Role#ASSISTANT} turns: the tools the model called
 */
public record Message(
    Role role,
    List<ContentPart> content,
    Optional<String> name,
    Optional<String> toolCallId,
    List<ToolCall> toolCalls) {

  /** Who speaks in a turn. */
  public enum Role {
    /** Instructions to the model (OpenAI's {@code system} and {@code developer}). */
    SYSTEM,
    /** The end user. */
    USER,
    /** The model (or an expert) answering. */
    ASSISTANT,
    /** The result of a tool the assistant called. */
    TOOL
  }

  /** Validates and copies. */
  public Message {
    Objects.requireNonNull(role, "role");
    content = List.copyOf(Objects.requireNonNull(content, "content"));
    name = Objects.requireNonNull(name, "name");
    toolCallId = Objects.requireNonNull(toolCallId, "toolCallId");
    toolCalls = List.copyOf(Objects.requireNonNull(toolCalls, "toolCalls"));
    if (role == Role.TOOL && toolCallId.isEmpty()) {
      throw new MoeError.InvalidInput("a tool message needs the id of the call it answers");
    }
    if (role != Role.TOOL && toolCallId.isPresent()) {
      throw new MoeError.InvalidInput("only a tool message answers a tool call");
    }
    if (role != Role.ASSISTANT && !toolCalls.isEmpty()) {
      throw new MoeError.InvalidInput("only an assistant message calls tools");
    }
    if (content.isEmpty() && toolCalls.isEmpty()) {
      throw new MoeError.InvalidInput("a " + role.name().toLowerCase() + " message is empty");
    }
  }

  /**
   * @param role who speaks
   * @param text what is said
   * @return a text message
   */
  public static Message of(Role role, String text) {
    return new Message(
        role, List.of(new ContentPart.Text(text)), Optional.empty(), Optional.empty(), List.of());
  }

  /**
   * @param text the instructions
   * @return a system message
   */
  public static Message system(String text) {
    return of(Role.SYSTEM, text);
  }

  /**
   * @param text what the user says
   * @return a user message
   */
  public static Message user(String text) {
    return of(Role.USER, text);
  }

  /**
   * @param text what the assistant said
   * @return an assistant message
   */
  public static Message assistant(String text) {
    return of(Role.ASSISTANT, text);
  }

  /**
   * @param calls the tools the assistant called
   * @return an assistant message without text
   */
  public static Message assistantCalls(List<ToolCall> calls) {
    return new Message(Role.ASSISTANT, List.of(), Optional.empty(), Optional.empty(), calls);
  }

  /**
   * @param callId the call answered
   * @param result the tool's result
   * @return a tool message
   */
  public static Message tool(String callId, String result) {
    return new Message(
        Role.TOOL,
        List.of(new ContentPart.Text(result)),
        Optional.empty(),
        Optional.of(callId),
        List.of());
  }

  /**
   * @return the text parts joined by new lines (images left out)
   */
  public String text() {
    // Read for every request by routers, experts, traces and logs: a loop, not a stream, and the
    // part's own string when it is the only one.
    if (content.size() == 1 && content.getFirst() instanceof ContentPart.Text(String only)) {
      return only;
    }
    StringJoiner joined = new StringJoiner("\n");
    for (ContentPart p : content) {
      if (p instanceof ContentPart.Text(String t)) {
        joined.add(t);
      }
    }
    return joined.toString();
  }

  /**
   * @return whether a part is an image
   */
  public boolean hasImage() {
    for (ContentPart p : content) {
      if (!(p instanceof ContentPart.Text)) {
        return true;
      }
    }
    return false;
  }
}
