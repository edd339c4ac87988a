package io.himoe.router;

import io.himoe.experts.ExpertRef;
import io.himoe.experts.ExpertRegistry;
import io.himoe.shared.Context;
import io.himoe.shared.RouterInput;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A symbolic router: an expert's score is its own {@code canHandle} confidence for the input text,
 * weighted, plus the weights of its configured keywords found in the text (whole words, or
 * substrings for keywords with a space or a colon such as {@code fr:tag}). Scores are multiplied by
 * a sharpness before the policy's softmax. When nothing matches, a configured fallback expert gets
 * the lead.
 */
public final class KeywordRouter implements Router {

  private final String id;
  private final ExpertRegistry experts;
  private final RouterConfig config;
  private final Map<String, Map<String, Double>> keywords;
  private final double hintWeight;
  private final double sharpness;
  private final @Nullable String fallback;

  private KeywordRouter(Builder b) {
    this.id = b.id;
    this.experts = b.experts;
    this.config = b.config;
    this.keywords = Map.copyOf(b.keywords);
    this.hintWeight = b.hintWeight;
    this.sharpness = b.sharpness;
    this.fallback = b.fallback;
  }

  /**
   * @param id the router's id
   * @param experts the experts it gates over
   * @return a builder
   */
  public static Builder builder(String id, ExpertRegistry experts) {
    return new Builder(id, experts);
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public ExpertRegistry experts() {
    return experts;
  }

  @Override
  public RouterConfig config() {
    return config;
  }

  @Override
  public GateScores gate(RouterInput input, Context ctx) {
    String text = input.source().routingText();
    String lower = text.toLowerCase(Locale.ROOT);
    String padded = wordsPadded(lower);
    List<ExpertRef> refs = experts.list();
    double[] scores = new double[refs.size()];
    boolean any = false;
    for (int i = 0; i < scores.length; i++) {
      ExpertRef r = refs.get(i);
      double s = hintWeight * clamp01(r.expert().canHandle(text));
      Map<String, Double> kws = keywords.get(r.name());
      if (kws != null) {
        for (Map.Entry<String, Double> kw : kws.entrySet()) {
          if (matches(kw.getKey(), lower, padded)) {
            s += kw.getValue();
          }
        }
      }
      any |= s > 0;
      scores[i] = sharpness * s;
    }
    if (!any && fallback != null) {
      for (int i = 0; i < scores.length; i++) {
        if (refs.get(i).name().equals(fallback)) {
          scores[i] = sharpness;
        }
      }
    }
    return GateScores.of(refs.stream().map(ExpertRef::id).toList(), scores);
  }

  /** The text's words (letters, digits, colons) separated by single spaces, padded by one. */
  private static String wordsPadded(String lower) {
    StringBuilder b = new StringBuilder(lower.length() + 2).append(' ');
    boolean space = true;
    for (int i = 0; i < lower.length(); i++) {
      char c = lower.charAt(i);
      if (Character.isLetterOrDigit(c) || c == ':') {
        b.append(c);
        space = false;
      } else if (!space) {
        b.append(' ');
        space = true;
      }
    }
    if (!space) {
      b.append(' ');
    }
    return b.toString();
  }

  private static boolean matches(String keyword, String lower, String padded) {
    return keyword.indexOf(' ') >= 0 || keyword.indexOf(':') >= 0
        ? lower.contains(keyword)
        : padded.contains(" " + keyword + " ");
  }

  private static double clamp01(double x) {
    return Double.isNaN(x) ? 0 : Math.max(0, Math.min(1, x));
  }

  /** Builds a {@link KeywordRouter}. */
  public static final class Builder {
    private final String id;
    private final ExpertRegistry experts;
    private RouterConfig config = RouterConfig.of(1);
    private final Map<String, Map<String, Double>> keywords = new HashMap<>();
    private double hintWeight = 1.0;
    private double sharpness = 4.0;
    private @Nullable String fallback;

    private Builder(String id, ExpertRegistry experts) {
      if (id == null || id.isBlank()) {
        throw new IllegalArgumentException("router id must not be blank");
      }
      this.id = id;
      this.experts = Objects.requireNonNull(experts, "experts");
    }

    /**
     * @param config top-k, policy, aggregator
     * @return this
     */
    public Builder config(RouterConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * @param k experts to call per request
     * @return this
     */
    public Builder topK(int k) {
      this.config = config.withTopK(k);
      return this;
    }

    /**
     * Adds a keyword for an expert.
     *
     * @param expert the expert's name
     * @param keyword the keyword (case-insensitive)
     * @param weight its weight, finite and &gt; 0
     * @return this
     */
    public Builder keyword(String expert, String keyword, double weight) {
      if (keyword == null || keyword.isBlank()) {
        throw new IllegalArgumentException("keyword for expert '" + expert + "' is blank");
      }
      if (!(weight > 0) || Double.isInfinite(weight)) {
        throw new IllegalArgumentException(
            "keyword '" + keyword + "' weight must be > 0 and finite, got " + weight);
      }
      keywords
          .computeIfAbsent(expert, e -> new LinkedHashMap<>())
          .put(keyword.toLowerCase(Locale.ROOT).strip(), weight);
      return this;
    }

    /**
     * Adds keywords with weight 1.
     *
     * @param expert the expert's name
     * @param words the keywords
     * @return this
     */
    public Builder keywords(String expert, String... words) {
      for (String w : words) {
        keyword(expert, w, 1.0);
      }
      return this;
    }

    /**
     * @param weight weight of the experts' own {@code canHandle} confidence, &gt;= 0
     * @return this
     */
    public Builder hintWeight(double weight) {
      if (!(weight >= 0) || Double.isInfinite(weight)) {
        throw new IllegalArgumentException("hint weight must be >= 0 and finite, got " + weight);
      }
      this.hintWeight = weight;
      return this;
    }

    /**
     * @param s multiplier of the scores before softmax, &gt; 0 (higher is more decisive)
     * @return this
     */
    public Builder sharpness(double s) {
      if (!(s > 0) || Double.isInfinite(s)) {
        throw new IllegalArgumentException("sharpness must be > 0 and finite, got " + s);
      }
      this.sharpness = s;
      return this;
    }

    /**
     * @param expert the expert that leads when no keyword or hint matches
     * @return this
     */
    public Builder fallback(String expert) {
      this.fallback = expert;
      return this;
    }

    /**
     * @return the router
     */
    public KeywordRouter build() {
      return new KeywordRouter(this);
    }
  }
}
