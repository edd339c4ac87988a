package io.himoe.experts.llm;

import java.util.List;

/**
 * Seed 002's coding, reasoning and planning experts as configurations of {@link LlmExpert}: each
 * has several models chosen by least load, a keyword self-assessment ({@link KeywordSkill}, English
 * and French) as its {@code canHandle}, a system prompt, and the seed's instance limits ({@code
 * max_instances}, {@code max_load}).
 */
public final class LlmExperts {

  /** The coding expert's system prompt. */
  public static final String CODING_PROMPT =
      "You are a senior software engineer. Answer with working, idiomatic code and a short"
          + " explanation. When fixing a bug, name its cause first. Answer in the user's language.";

  /** The reasoning expert's system prompt. */
  public static final String REASONING_PROMPT =
      "You reason carefully. Break the problem down, state assumptions, weigh alternatives and"
          + " trade-offs, then give a clear conclusion. Answer in the user's language.";

  /** The planning expert's system prompt. */
  public static final String PLANNING_PROMPT =
      "You are a planner. Answer with a numbered list of concrete, ordered steps (one per line,"
          + " '1. ...'), nothing else. Answer in the user's language.";

  private LlmExperts() {}

  /**
   * The three presets: a system prompt, a keyword self-assessment, an answer format and the seed's
   * instance limits. One builder serves them all.
   */
  enum Preset {
    CODING(CODING_PROMPT, KeywordSkill.coding(), AnswerFormat.TEXT, 3, 10),
    REASONING(REASONING_PROMPT, KeywordSkill.reasoning(), AnswerFormat.TEXT, 2, 5),
    PLANNING(PLANNING_PROMPT, KeywordSkill.planning(), AnswerFormat.PLAN, 2, 8);

    private final String prompt;
    private final KeywordSkill skill;
    private final AnswerFormat format;
    private final int maxInstances;
    private final int maxLoad;

    Preset(String prompt, KeywordSkill skill, AnswerFormat format, int maxInstances, int maxLoad) {
      this.prompt = prompt;
      this.skill = skill;
      this.format = format;
      this.maxInstances = maxInstances;
      this.maxLoad = maxLoad;
    }

    /**
     * @param name the expert's name
     * @param models its models, in preference order
     * @param policy retry settings
     * @return a builder with this preset applied
     */
    LlmExpert.Builder builder(String name, List<LlmClient> models, LlmPolicy policy) {
      return LlmExpert.builder(name)
          .clients(models)
          .systemPrompt(prompt)
          .skill(skill)
          .policy(policy)
          .format(format)
          .instances(1, maxInstances, maxLoad);
    }
  }

  /**
   * Seed 002's {@code CodingExpert}: up to 3 instances, 10 calls each.
   *
   * @param models the models (e.g. qwen-coder, deepseek-coder, a local one), in preference order
   * @return the expert, named {@code coding}
   */
  public static LlmExpert coding(List<LlmClient> models) {
    return coding("coding", models, LlmPolicy.ofDefaults());
  }

  /**
   * @param name the expert's name
   * @param models the models
   * @param policy retry settings
   * @return a coding expert
   */
  public static LlmExpert coding(String name, List<LlmClient> models, LlmPolicy policy) {
    return Preset.CODING.builder(name, models, policy).build();
  }

  /**
   * Seed 002's {@code ReasoningExpert}: up to 2 instances, 5 calls each (its problem-solving
   * capability's {@code max_load}).
   *
   * @param models the models (e.g. qwq-32b, deepseek-r1), in preference order
   * @return the expert, named {@code reasoning}
   */
  public static LlmExpert reasoning(List<LlmClient> models) {
    return reasoning("reasoning", models, LlmPolicy.ofDefaults());
  }

  /**
   * @param name the expert's name
   * @param models the models
   * @param policy retry settings
   * @return a reasoning expert
   */
  public static LlmExpert reasoning(String name, List<LlmClient> models, LlmPolicy policy) {
    return Preset.REASONING.builder(name, models, policy).build();
  }

  /**
   * A planning expert: answers with a {@code Value.Plan} parsed from the model's numbered list; up
   * to 2 instances, 8 calls each.
   *
   * @param models the models, in preference order
   * @return the expert, named {@code planning}
   */
  public static LlmExpert planning(List<LlmClient> models) {
    return planning("planning", models, LlmPolicy.ofDefaults());
  }

  /**
   * @param name the expert's name
   * @param models the models
   * @param policy retry settings
   * @return a planning expert
   */
  public static LlmExpert planning(String name, List<LlmClient> models, LlmPolicy policy) {
    return Preset.PLANNING.builder(name, models, policy).build();
  }
}
