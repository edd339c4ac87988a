package io.himoe.server.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/** The kinds of expert a configuration can name; each has one {@link ExpertSpec} variant. */
public enum ExpertKind {
  /** The rule-based planner: {@link ExpertSpec.Planner}. */
  PLANNER("planner"),
  /** Exact arithmetic: {@link ExpertSpec.Math}. */
  MATH("math"),
  /** French part-of-speech tagging: {@link ExpertSpec.FrTagger}. */
  FR_TAGGER("fr-tagger"),
  /** Language identification: {@link ExpertSpec.LangDetect}. */
  LANG_DETECT("lang-detect"),
  /** Hybrid BM25 + vector search over documents: {@link ExpertSpec.Knowledge}. */
  KNOWLEDGE("knowledge"),
  /** OpenAI-compatible endpoints; {@code openai} is its older name: {@link ExpertSpec.Llm}. */
  LLM("llm", "openai"),
  /**
   * A continual learner of {@code himoe-branches} (the vision expert): {@link ExpertSpec.Branched};
   * built by the {@code ExpertProvider} that module puts on the class path.
   */
  BRANCHED("branched"),
  /**
   * The local streaming generator of {@code himoe-runtime} (a word n-gram model) that follows the
   * performance mode, also mid-stream: {@link ExpertSpec.Generator}.
   */
  GENERATOR("generator");

  private final String id;
  private final List<String> aliases;

  ExpertKind(String id, String... aliases) {
    this.id = id;
    this.aliases = List.of(aliases);
  }

  /**
   * @return the name written in configuration files
   */
  public String id() {
    return id;
  }

  /**
   * @param name a kind as written in a configuration (its id or an older alias), or null
   * @return the kind, or empty when no kind has that name
   */
  public static Optional<ExpertKind> byId(@Nullable String name) {
    if (name == null) {
      return Optional.empty();
    }
    String n = name.strip().toLowerCase(Locale.ROOT);
    for (ExpertKind k : values()) {
      if (k.id.equals(n) || k.aliases.contains(n)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  /**
   * @return every name a configuration may use for a kind (ids and aliases), sorted
   */
  public static Set<String> names() {
    Set<String> out = new TreeSet<>();
    for (ExpertKind k : values()) {
      out.add(k.id);
      out.addAll(k.aliases);
    }
    return out;
  }
}
