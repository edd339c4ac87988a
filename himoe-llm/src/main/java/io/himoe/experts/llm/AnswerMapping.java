package io.himoe.experts.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.LogProb;
import dev.langchain4j.model.openai.OpenAiChatResponseMetadata;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import io.himoe.experts.ExpertAux;
import io.himoe.experts.ExpertOut;
import io.himoe.experts.Generation;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.ToolCall;
import io.himoe.shared.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What an LLM expert makes of an upstream answer: the accounting ({@link LlmAnswer}: tokens
 * reported or counted with {@link TokenCounter}, cost from the answering model's price, finish
 * reason, tool calls, log-probabilities) and the expert's output (text, a parsed plan, or tool
 * calls, with a confidence from the keyword skill, halved when the answer was cut at the output
 * token limit).
 */
final class AnswerMapping {

  private final @Nullable KeywordSkill skill;
  private final double baseConfidence;
  private final boolean fixedConfidence;
  private final AnswerFormat format;
  private final TokenCounter tokens;

  /**
   * @param skill the keyword self-assessment, or {@code null}
   * @param baseConfidence the confidence reported without a skill (or always, when fixed)
   * @param fixedConfidence whether {@code baseConfidence} is reported even with a skill
   * @param format text or plan
   * @param tokens counts tokens when the upstream reports no usage
   */
  AnswerMapping(
      @Nullable KeywordSkill skill,
      double baseConfidence,
      boolean fixedConfidence,
      AnswerFormat format,
      TokenCounter tokens) {
    this.skill = skill;
    this.baseConfidence = baseConfidence;
    this.fixedConfidence = fixedConfidence;
    this.format = format;
    this.tokens = tokens;
  }

  /**
   * @param client the model that answered
   * @param response its response (validated: a message with text or tool calls)
   * @param request what was sent (its token count and what the budget dropped)
   * @param attempts attempts made, including failed ones
   * @param startNanos {@link System#nanoTime()} when the call started
   * @return the answer with its accounting
   */
  LlmAnswer toAnswer(
      LlmClient client,
      ChatResponse response,
      RequestMapping.Mapped request,
      int attempts,
      long startNanos) {
    String text = response.aiMessage().text() == null ? "" : response.aiMessage().text();
    List<ToolCall> calls = new ArrayList<>();
    if (response.aiMessage().hasToolExecutionRequests()) {
      int i = 0;
      for (ToolExecutionRequest r : response.aiMessage().toolExecutionRequests()) {
        String id = r.id() == null || r.id().isBlank() ? "call_" + i : r.id();
        calls.add(new ToolCall(id, r.name(), r.arguments()));
        i++;
      }
    }
    TokenUsage u = response.tokenUsage();
    boolean reported = u != null && u.inputTokenCount() != null && u.outputTokenCount() != null;
    long in = reported ? u.inputTokenCount() : request.promptTokens();
    long out = reported ? u.outputTokenCount() : completionTokens(text, calls);
    Generation g =
        new Generation(
            in,
            out,
            reported,
            finish(response.finishReason(), calls),
            Optional.ofNullable(response.modelName()).or(() -> Optional.of(client.name())),
            request.droppedMessages(),
            logprobs(response));
    return new LlmAnswer(
        text,
        client.name(),
        calls,
        g,
        client.price().cost(in, out),
        attempts,
        (System.nanoTime() - startNanos) / 1_000_000);
  }

  /**
   * @param a the answer
   * @param input the request's input (the plan's goal, the skill's text)
   * @param ctx the request's context
   * @return the expert's output
   */
  ExpertOut toOut(LlmAnswer a, InputData input, Context ctx) {
    double confidence =
        skill == null || fixedConfidence ? baseConfidence : skill.score(input.toText());
    if (a.truncated()) {
      confidence /= 2;
    }
    Value value;
    if (!a.toolCalls().isEmpty()) {
      value = Value.toolCalls(a.text(), a.toolCalls());
    } else if (format == AnswerFormat.PLAN) {
      value =
          PlanParser.parse(input.toText(), a.text())
              .<Value>map(Value::plan)
              .orElse(Value.text(a.text()));
    } else {
      value = Value.text(a.text());
    }
    return new ExpertOut(
        value,
        new ExpertAux(
            a.latencyMs(), a.costUnits(), confidence, ctx.traceId(), Optional.of(a.generation())));
  }

  private long completionTokens(String text, List<ToolCall> calls) {
    long n = tokens.count(text);
    for (ToolCall c : calls) {
      n += tokens.count(c.name()) + tokens.count(c.arguments());
    }
    return n;
  }

  private static Generation.FinishReason finish(FinishReason r, List<ToolCall> calls) {
    if (!calls.isEmpty()) {
      return Generation.FinishReason.TOOL_CALLS;
    }
    if (r == null) {
      return Generation.FinishReason.STOP;
    }
    return switch (r) {
      case LENGTH -> Generation.FinishReason.LENGTH;
      case TOOL_EXECUTION -> Generation.FinishReason.TOOL_CALLS;
      case CONTENT_FILTER -> Generation.FinishReason.CONTENT_FILTER;
      default -> Generation.FinishReason.STOP;
    };
  }

  /**
   * The log-probabilities in OpenAI's shape ({@code {"content": [...]}}), when the model gave some.
   */
  private static Optional<JsonNode> logprobs(ChatResponse response) {
    if (!(response.metadata() instanceof OpenAiChatResponseMetadata m)
        || m.logProbs() == null
        || m.logProbs().isEmpty()) {
      return Optional.empty();
    }
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    ArrayNode content = root.putArray("content");
    for (LogProb p : m.logProbs()) {
      ObjectNode t = entry(f, p);
      ArrayNode top = t.putArray("top_logprobs");
      if (p.topLogprobs() != null) {
        for (LogProb alt : p.topLogprobs()) {
          top.add(entry(f, alt));
        }
      }
      content.add(t);
    }
    return Optional.of(root);
  }

  private static ObjectNode entry(JsonNodeFactory f, LogProb p) {
    ObjectNode t = f.objectNode();
    t.put("token", p.token());
    t.put("logprob", p.logprob());
    ArrayNode bytes = t.putArray("bytes");
    if (p.bytes() != null) {
      p.bytes().forEach(bytes::add);
    }
    return t;
  }
}
