package io.himoe.learning.router;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Where a learning router's state comes from (as Tribuo keeps for every trained artifact): what it
 * reads, which experts its outputs are, how it is configured, how much it has learned and from
 * what. Saved with the learned state in snapshots, printed by {@code himoe learn replay}, and its
 * {@link #version()} names, in each decision trace, the state of the gate that decided.
 *
 * @param routerId the router's id
 * @param kind {@code neural}, or {@code bandit:<ucb1|thompson|linucb>}
 * @param encoderId the encoder's id, or empty when the router reads raw input
 * @param dimension the encoded input's dimension (0 before the first input, or without encoder)
 * @param experts the experts of its outputs or arms, in order
 * @param configHash SHA-256 (hex) of its learning configuration
 * @param updates learning updates applied (gate steps, or bandit plays credited)
 * @param feedbacks feedbacks received
 * @param examplesDigest SHA-256 chain (hex) over the examples it was fitted and warm-started on
 * @param feedbackDigest SHA-256 chain (hex) over the feedback it learned from, in order
 */
public record Provenance(
    String routerId,
    String kind,
    String encoderId,
    int dimension,
    List<String> experts,
    String configHash,
    long updates,
    long feedbacks,
    String examplesDigest,
    String feedbackDigest) {

  /** The digest of nothing (64 hex zeros): the start of every chain. */
  public static final String EMPTY_DIGEST = "0".repeat(64);

  /** Validates and copies. */
  public Provenance {
    Objects.requireNonNull(routerId, "routerId");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(encoderId, "encoderId");
    experts = List.copyOf(experts);
    Objects.requireNonNull(configHash, "configHash");
    Objects.requireNonNull(examplesDigest, "examplesDigest");
    Objects.requireNonNull(feedbackDigest, "feedbackDigest");
    if (dimension < 0 || updates < 0 || feedbacks < 0) {
      throw new IllegalArgumentException("provenance: negative dimension or count");
    }
  }

  /**
   * The version of the learned state: a short hash of the configuration, the experts and the
   * examples, followed by the update count, e.g. {@code 3f2a9c1b.412}. It changes with every
   * update, with every expert added or removed and with the configuration.
   *
   * @return the version
   */
  public String version() {
    return versionBase(configHash, experts, examplesDigest) + "." + updates;
  }

  /**
   * @param configHash the configuration hash
   * @param experts the experts in order
   * @param examplesDigest the examples digest
   * @return the part of a version before the update count: 8 hex characters
   */
  public static String versionBase(String configHash, List<String> experts, String examplesDigest) {
    return sha256(configHash + "|" + String.join("\u0000", experts) + "|" + examplesDigest)
        .substring(0, 8);
  }

  /**
   * @param text some text
   * @return its SHA-256, in hex
   */
  public static String sha256(String text) {
    return HexFormat.of().formatHex(digest().digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * One link of a digest chain: {@code sha256(previous || item)}.
   *
   * @param previous the chain so far (hex)
   * @param item what is appended
   * @return the new chain value (hex)
   */
  public static String chain(String previous, String item) {
    return sha256(previous + "\n" + item);
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /**
   * @return a multi-line human-readable summary
   */
  public String describe() {
    return String.format(
        "router %s (%s), version %s%n  encoder %s, dimension %d%n  experts (%d): %s%n"
            + "  config %s%n  updates %d, feedbacks %d%n  examples digest %s%n"
            + "  feedback digest %s",
        routerId,
        kind,
        version(),
        encoderId.isEmpty() ? "(none: raw input)" : encoderId,
        dimension,
        experts.size(),
        String.join(", ", experts),
        configHash.substring(0, 16),
        updates,
        feedbacks,
        examplesDigest.substring(0, 16),
        feedbackDigest.substring(0, 16));
  }
}
