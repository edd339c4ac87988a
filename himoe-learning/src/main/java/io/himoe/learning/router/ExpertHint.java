package io.himoe.learning.router;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a learning router knows about an expert it has not learned yet (an expert added at run
 * time): example requests it should answer, or else a description. A neural gate warm-starts the
 * expert's new output from them; with neither, the output starts level with the gate's usual top
 * choice and relies on its exploration bonus.
 *
 * @param examples example requests the expert should answer (may be empty)
 * @param description a short description of what it answers (may be blank), used as one example
 *     when there are none
 */
public record ExpertHint(List<String> examples, String description) {

  /** Validates and copies. */
  public ExpertHint {
    examples = examples.stream().filter(e -> e != null && !e.isBlank()).toList();
    description = description == null ? "" : description.strip();
  }

  /**
   * @return a hint with nothing in it
   */
  public static ExpertHint none() {
    return new ExpertHint(List.of(), "");
  }

  /**
   * @return no hint for any expert (the default of the learning routers)
   */
  public static Function<String, ExpertHint> noHints() {
    return name -> none();
  }

  /**
   * @return the texts to warm-start from: the examples, else the description, else none
   */
  public List<String> texts() {
    if (!examples.isEmpty()) {
      return examples;
    }
    return description.isEmpty() ? List.of() : List.of(description);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ExpertHint h
        && h.examples.equals(examples)
        && Objects.equals(h.description, description);
  }

  @Override
  public int hashCode() {
    return examples.hashCode() * 31 + description.hashCode();
  }
}
