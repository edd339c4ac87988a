package io.himoe.experts.llm;

/** How an LLM expert hands its answer to the router. */
public enum AnswerFormat {
  /** The answer text as {@code Value.Text}. */
  TEXT,
  /**
   * A {@code Value.Plan} whose steps are the answer's numbered or bulleted lines, with the input as
   * its goal; an answer with fewer than two such lines stays {@code Value.Text}.
   */
  PLAN
}
