package io.himoe.experts;

import java.util.Objects;

/**
 * A registered expert: its stable id, its name and the expert itself.
 *
 * @param id the stable id
 * @param name the name
 * @param expert the expert
 */
public record ExpertRef(ExpertId id, String name, Expert expert) {
  /** Validates. */
  public ExpertRef {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(expert, "expert");
  }

  /**
   * @param expert the expert
   * @return a reference with the id derived from its name
   */
  public static ExpertRef of(Expert expert) {
    String name = expert.name();
    return new ExpertRef(ExpertId.of(name), name, expert);
  }

  @Override
  public String toString() {
    return name + "#" + id;
  }
}
