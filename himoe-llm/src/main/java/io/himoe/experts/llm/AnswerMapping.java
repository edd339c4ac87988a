package io.himoe.experts.llm;

import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import io.himoe.experts.ExpertAux;
import io.himoe.experts.ExpertOut;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.Value;

/**
 * What an LLM expert makes of an upstream answer: the accounting ({@link LlmAnswer}: tokens
 * reported or estimated, cost from the answering model's price, truncation) and the expert's output
 * (text or a parsed plan, with a confidence from the keyword skill, halved when the answer was cut
 * at the output token limit). Token usage, finish reasons and tool calls are read here.
 */
final class AnswerMapping {

  private final KeywordSkill skill;
  private final double baseConfidence;
  private final boolean fixedConfidence;
  private final AnswerFormat format;

  /**
   * @param skill the keyword self-assessment, or {@code null}
   * @param baseConfidence the confidence reported without a skill (or always, when fixed)
   * @param fixedConfidence whether {@code baseConfidence} is reported even with a skill
   * @param format text or plan
   */
  AnswerMapping(
      KeywordSkill skill, double baseConfidence, boolean fixedConfidence, AnswerFormat format) {
    this.skill = skill;
    this.baseConfidence = baseConfidence;
    this.fixedConfidence = fixedConfidence;
    this.format = format;
  }

  /**
   * @param client the model that answered
   * @param response its response (validated: a non-blank message)
   * @param request what was sent, for token estimates when the model reports no usage
   * @param attempts attempts made, including failed ones
   * @param startNanos {@link System#nanoTime()} when the call started
   * @return the answer with its accounting
   */
  LlmAnswer toAnswer(
      LlmClient client, ChatResponse response, ChatRequest request, int attempts, long startNanos) {
    String text = response.aiMessage().text();
    TokenUsage u = response.tokenUsage();
    boolean reported = u != null && u.inputTokenCount() != null && u.outputTokenCount() != null;
    long in = reported ? u.inputTokenCount() : estimateTokens(RequestMapping.promptText(request));
    long out = reported ? u.outputTokenCount() : estimateTokens(text);
    return new LlmAnswer(
        text,
        client.name(),
        in,
        out,
        reported,
        client.price().cost(in, out),
        attempts,
        response.finishReason() == FinishReason.LENGTH,
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
    Value value =
        format == AnswerFormat.PLAN
            ? PlanParser.parse(input.toText(), a.text())
                .<Value>map(Value::plan)
                .orElse(Value.text(a.text()))
            : Value.text(a.text());
    return new ExpertOut(
        value, new ExpertAux(a.latencyMs(), a.costUnits(), confidence, ctx.traceId()));
  }

  /** About four characters per token for English and French with BPE tokenisers; never 0. */
  static long estimateTokens(String text) {
    return Math.max(1, (text.length() + 3) / 4);
  }
}
