package io.himoe.experts.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.internal.JsonSchemaElementJsonUtils;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import io.himoe.shared.ContentPart;
import io.himoe.shared.Context;
import io.himoe.shared.GenerationParams;
import io.himoe.shared.InputData;
import io.himoe.shared.Message;
import io.himoe.shared.MoeError;
import io.himoe.shared.ResponseFormat;
import io.himoe.shared.ToolCall;
import io.himoe.shared.ToolChoice;
import io.himoe.shared.ToolSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What an LLM expert sends upstream: the request's input as a LangChain4j {@link ChatRequest}. The
 * expert's configured system prompt goes first, then the client's conversation (its own system
 * messages, user turns with their images, assistant turns with their tool calls, tool results),
 * then the client's generation parameters, tools and response format. An expert with few-shot
 * examples ({@link FewShotMemory}) sends them as user and assistant turns between its system prompt
 * and the conversation.
 *
 * <p>When the conversation is over the expert's context budget (in tokens, counted with {@link
 * TokenCounter}), the oldest turns are dropped first, never a system message nor the last user turn
 * (nor what follows it: the tool calls and results of the current turn); the number dropped is
 * reported in the answer's {@code Generation}.
 */
final class RequestMapping {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A chat request and what the context budget dropped.
   *
   * @param request the request to send
   * @param droppedMessages conversation messages left out to fit the budget
   * @param messages the messages sent (counted only when the upstream reports no usage)
   * @param tokens the tokenizer they are counted with
   */
  record Mapped(
      ChatRequest request, int droppedMessages, List<Message> messages, TokenCounter tokens) {

    /**
     * @return the request's prompt tokens, counted here
     */
    int promptTokens() {
      return tokens.count(messages);
    }
  }

  private final @Nullable String systemPrompt;
  private final int contextTokens;
  private final boolean tools;
  private final TokenCounter tokens;
  private final Supplier<List<Message>> examples;

  /**
   * @param systemPrompt sent first with every request, or {@code null} for none
   * @param contextTokens the most prompt tokens sent upstream, 0 for no limit
   * @param tools whether the expert's models call tools
   * @param tokens the tokenizer budgets are counted with
   * @param examples few-shot turns sent after the system prompt (the first to go when over the
   *     context budget)
   */
  RequestMapping(
      @Nullable String systemPrompt,
      int contextTokens,
      boolean tools,
      TokenCounter tokens,
      Supplier<List<Message>> examples) {
    this.systemPrompt = systemPrompt;
    this.contextTokens = contextTokens;
    this.tools = tools;
    this.tokens = tokens;
    this.examples = examples;
  }

  /**
   * @param input the request's input (a conversation, or text sent as one user message)
   * @param ctx the request's context
   * @return the chat request for one upstream call (the same for every attempt)
   * @throws MoeError.InvalidInput when the request uses tools and this expert does not call tools,
   *     or when the system prompt and last user turn alone are over the budget
   */
  Mapped toChatRequest(InputData input, Context ctx) {
    List<Message> conversation =
        input instanceof InputData.Conversation c
            ? c.messages()
            : List.of(Message.user(input.toText()));
    GenerationParams params = input.params();
    if (params.usesTools() && !tools) {
      throw new MoeError.InvalidInput(
          "the request gives tools, and this expert's models are not configured to call tools");
    }
    List<Message> all = new ArrayList<>(conversation.size() + 1);
    if (systemPrompt != null) {
      all.add(Message.system(systemPrompt));
    }
    all.addAll(examples.get());
    all.addAll(conversation);
    int before = all.size();
    List<Message> kept = fit(all);
    List<ChatMessage> messages = new ArrayList<>(kept.size());
    Map<String, String> toolNames = new HashMap<>();
    for (Message m : kept) {
      messages.add(toLangChain(m, toolNames));
    }
    ChatRequest request =
        ChatRequest.builder().messages(messages).parameters(parameters(params)).build();
    return new Mapped(request, before - kept.size(), kept, tokens);
  }

  /** Drops the oldest droppable turns until the conversation fits the budget. */
  private List<Message> fit(List<Message> all) {
    if (contextTokens <= 0 || tokens.count(all) <= contextTokens) {
      return all;
    }
    int lastUser = all.size() - 1;
    while (all.get(lastUser).role() != Message.Role.USER) {
      lastUser--;
    }
    List<Message> kept = new ArrayList<>(all);
    int total = tokens.count(all);
    int i = 0;
    int protectedFrom = lastUser;
    while (total > contextTokens && i < protectedFrom) {
      Message m = kept.get(i);
      if (m.role() == Message.Role.SYSTEM) {
        i++;
        continue;
      }
      kept.remove(i);
      protectedFrom--;
      total -= tokens.count(m);
      // A tool result without the assistant turn that called it is meaningless upstream.
      while (i < protectedFrom && kept.get(i).role() == Message.Role.TOOL) {
        total -= tokens.count(kept.remove(i));
        protectedFrom--;
      }
    }
    if (total > contextTokens) {
      throw new MoeError.InvalidInput(
          "the system prompt and the last user turn alone are "
              + total
              + " tokens, over this expert's context budget of "
              + contextTokens);
    }
    return kept;
  }

  private static ChatMessage toLangChain(Message m, Map<String, String> toolNames) {
    return switch (m.role()) {
      case SYSTEM -> SystemMessage.from(m.text());
      case USER -> {
        List<Content> parts = new ArrayList<>(m.content().size());
        for (ContentPart p : m.content()) {
          parts.add(
              switch (p) {
                case ContentPart.Text t -> TextContent.from(t.text());
                case ContentPart.Image img ->
                    ImageContent.from(
                        Base64.getEncoder().encodeToString(img.bytes()), img.mediaType());
                case ContentPart.ImageUrl u -> ImageContent.from(u.url());
              });
        }
        yield m.name().isPresent()
            ? UserMessage.from(m.name().get(), parts)
            : UserMessage.from(parts);
      }
      case ASSISTANT -> {
        if (m.toolCalls().isEmpty()) {
          yield AiMessage.from(m.text());
        }
        List<ToolExecutionRequest> calls = new ArrayList<>();
        for (ToolCall c : m.toolCalls()) {
          toolNames.put(c.id(), c.name());
          calls.add(
              ToolExecutionRequest.builder()
                  .id(c.id())
                  .name(c.name())
                  .arguments(c.arguments())
                  .build());
        }
        yield m.text().isEmpty() ? AiMessage.from(calls) : AiMessage.from(m.text(), calls);
      }
      case TOOL -> {
        String id = m.toolCallId().orElseThrow();
        yield ToolExecutionResultMessage.from(id, toolNames.getOrDefault(id, ""), m.text());
      }
    };
  }

  private OpenAiChatRequestParameters parameters(GenerationParams p) {
    OpenAiChatRequestParameters.Builder b = OpenAiChatRequestParameters.builder();
    p.temperature().ifPresent(b::temperature);
    p.topP().ifPresent(b::topP);
    p.maxTokens().ifPresent(b::maxOutputTokens);
    if (!p.stop().isEmpty()) {
      b.stopSequences(p.stop());
    }
    // The OpenAI API takes a 32-bit seed through LangChain4j; larger seeds are folded.
    p.seed().ifPresent(s -> b.seed((int) (s ^ (s >>> 32))));
    p.presencePenalty().ifPresent(b::presencePenalty);
    p.frequencyPenalty().ifPresent(b::frequencyPenalty);
    p.user().ifPresent(b::user);
    if (p.logprobs()) {
      b.logprobs(true);
      p.topLogprobs().ifPresent(b::topLogprobs);
    }
    p.parallelToolCalls().ifPresent(b::parallelToolCalls);
    if (p.usesTools()) {
      List<ToolSpec> offered = p.tools();
      if (p.toolChoice() instanceof ToolChoice.Function(String fn)) {
        // One named function: offer only it, and require a call.
        offered = offered.stream().filter(t -> t.name().equals(fn)).toList();
      }
      b.toolSpecifications(offered.stream().map(RequestMapping::toolSpecification).toList());
      b.toolChoice(
          switch (p.toolChoice()) {
            case ToolChoice.Required r -> dev.langchain4j.model.chat.request.ToolChoice.REQUIRED;
            case ToolChoice.Function f -> dev.langchain4j.model.chat.request.ToolChoice.REQUIRED;
            default -> dev.langchain4j.model.chat.request.ToolChoice.AUTO;
          });
    }
    switch (p.responseFormat()) {
      case ResponseFormat.Text t -> {}
      case ResponseFormat.JsonObject j ->
          b.responseFormat(
              dev.langchain4j.model.chat.request.ResponseFormat.builder()
                  .type(ResponseFormatType.JSON)
                  .build());
      case ResponseFormat.JsonSchema s ->
          b.responseFormat(
              dev.langchain4j.model.chat.request.ResponseFormat.builder()
                  .type(ResponseFormatType.JSON)
                  .jsonSchema(
                      JsonSchema.builder().name(s.name()).rootElement(schema(s.schema())).build())
                  .build());
    }
    return b.build();
  }

  private static ToolSpecification toolSpecification(ToolSpec t) {
    ToolSpecification.Builder b = ToolSpecification.builder().name(t.name());
    t.description().ifPresent(b::description);
    t.parameters().ifPresent(p -> b.parameters(objectSchema(p)));
    if (t.strict()) {
      b.strict(true);
    }
    return b.build();
  }

  private static JsonObjectSchema objectSchema(JsonNode schema) {
    if (schema(schema) instanceof JsonObjectSchema o) {
      return o;
    }
    throw new MoeError.InvalidInput("a tool's parameters must be an object schema");
  }

  @SuppressWarnings("unchecked")
  private static JsonSchemaElement schema(JsonNode schema) {
    try {
      return JsonSchemaElementJsonUtils.fromMap(JSON.convertValue(schema, Map.class));
    } catch (RuntimeException e) {
      throw new MoeError.InvalidInput("a JSON schema could not be read: " + e.getMessage());
    }
  }
}
