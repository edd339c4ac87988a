package io.himoe.experts.knowledge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.himoe.shared.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What feedback taught the knowledge expert about its passages: per passage, the reward-weighted
 * credit it earned and the credit it could have earned, giving a prior {@code (helped + 1) / (shown
 * + 2)} (the mean of a Beta(1, 1) posterior: 0.5 for a passage never rated). A passage is keyed by
 * its source, its position and a hash of its text, so an edited passage starts afresh.
 *
 * <p>Saved as JSON ({@code {"schema":1,"passages":{key:{"helped":h,"shown":s}}}}) with {@link
 * AtomicFiles}, so a crash leaves the previous file or the new one. Thread-safe.
 */
final class PassagePriors {

  static final int SCHEMA = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final Map<String, double[]> stats = new HashMap<>();
  private int unsaved;

  private PassagePriors(Path file) {
    this.file = file;
  }

  /**
   * @param file where the priors are kept
   * @return the priors saved there, or none when there is no file yet
   * @throws UncheckedIOException naming the file when it exists but cannot be read as priors
   */
  static PassagePriors load(Path file) {
    PassagePriors p = new PassagePriors(file);
    if (!Files.exists(file)) {
      return p;
    }
    try {
      JsonNode root = JSON.readTree(Files.readAllBytes(file));
      if (root == null || root.path("schema").asInt() != SCHEMA || !root.has("passages")) {
        throw new IOException("not a schema-" + SCHEMA + " passage-priors file");
      }
      for (var e : root.get("passages").properties()) {
        double helped = e.getValue().path("helped").asDouble(Double.NaN);
        double shown = e.getValue().path("shown").asDouble(Double.NaN);
        if (!(helped >= 0 && shown >= helped)) {
          throw new IOException("passage '" + e.getKey() + "': helped/shown out of range");
        }
        p.stats.put(e.getKey(), new double[] {helped, shown});
      }
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("knowledge: cannot read passage priors " + file, e);
    }
  }

  static String key(Passage p) {
    return p.source() + "#" + p.ordinal() + "#" + Integer.toHexString(p.text().hashCode());
  }

  /**
   * @param key a passage key
   * @return its prior quality in (0, 1), 0.5 when never rated
   */
  synchronized double prior(String key) {
    double[] s = stats.get(key);
    return s == null ? 0.5 : (s[0] + 1) / (s[1] + 2);
  }

  /**
   * @param key a passage key
   * @return the credit it could have earned so far (0 when never rated)
   */
  synchronized double shown(String key) {
    double[] s = stats.get(key);
    return s == null ? 0 : s[1];
  }

  /**
   * Credits the passages of one answer: the passage at rank {@code i} (from 0) takes {@code
   * weight/(i+1)} of the evidence, so the top passage, which the answer leans on most, learns most.
   *
   * @param keys the answer's passages, best first
   * @param reward the answer's reward, in [0, 1]
   * @param weight how much of the feedback is this expert's, in [0, 1]
   */
  synchronized void credit(List<String> keys, double reward, double weight) {
    for (int i = 0; i < keys.size(); i++) {
      double w = weight / (i + 1);
      double[] s = stats.computeIfAbsent(keys.get(i), k -> new double[2]);
      s[0] += w * reward;
      s[1] += w;
    }
    unsaved++;
  }

  /**
   * @return updates since the last save
   */
  synchronized int unsaved() {
    return unsaved;
  }

  /**
   * Writes the priors atomically (when anything changed since the last save).
   *
   * @throws UncheckedIOException naming the file when it cannot be written (the old one stays)
   */
  synchronized void save() {
    if (unsaved == 0) {
      return;
    }
    ObjectNode root = JSON.createObjectNode().put("schema", SCHEMA);
    ObjectNode passages = root.putObject("passages");
    for (var e : new TreeMap<>(stats).entrySet()) {
      passages.putObject(e.getKey()).put("helped", e.getValue()[0]).put("shown", e.getValue()[1]);
    }
    try {
      AtomicFiles.write(file, JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8));
      unsaved = 0;
    } catch (IOException e) {
      throw new UncheckedIOException("knowledge: cannot save passage priors " + file, e);
    }
  }
}
