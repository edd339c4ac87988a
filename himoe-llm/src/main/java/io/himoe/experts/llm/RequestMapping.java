package io.himoe.experts.llm;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import java.util.ArrayList;
import java.util.List;

/**
 * What an LLM expert sends upstream: the request's input as a LangChain4j {@link ChatRequest}. The
 * one place where messages (the configured system prompt, then the input) and generation parameters
 * are put together; conversations, parameters and tools belong here.
 */
final class RequestMapping {

  private final String systemPrompt;

  /**
   * @param systemPrompt sent first with every request, or {@code null} for none
   */
  RequestMapping(String systemPrompt) {
    this.systemPrompt = systemPrompt;
  }

  /**
   * @param input the request's input (its text form is the user message)
   * @param ctx the request's context
   * @return the chat request for one upstream call (the same for every attempt)
   */
  ChatRequest toChatRequest(InputData input, Context ctx) {
    List<ChatMessage> messages = new ArrayList<>(2);
    if (systemPrompt != null) {
      messages.add(SystemMessage.from(systemPrompt));
    }
    messages.add(UserMessage.from(input.toText()));
    return ChatRequest.builder().messages(messages).build();
  }

  /**
   * @param request a chat request
   * @return the text of its system and user messages, for token estimates
   */
  static String promptText(ChatRequest request) {
    StringBuilder sb = new StringBuilder();
    for (ChatMessage m : request.messages()) {
      switch (m) {
        case SystemMessage s -> sb.append(s.text());
        case UserMessage u -> sb.append(u.singleText());
        default -> {}
      }
    }
    return sb.toString();
  }
}
