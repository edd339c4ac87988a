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
 * What feedback taught the knowledge expert about its passages, per query term: for each (passage,
 * term) pair, the reward-weighted credit the passage earned on queries with that term and the
 * credit it could have earned; one answer's credit is spread evenly over its query's terms. A
 * passage's prior for a query pools its pairs with the query's terms: {@code (helped + 2) / (shown
 * + 4)} (a Beta(2, 2) posterior mean: 0.5 when never rated for any of those terms, and one rating
 * moves it by 0.1 at most, so a single unlucky answer does not bury a passage). Keyed by term, the
 * prior says "this passage helps with questions like this one", not "this passage is popular", so a
 * passage that answers one kind of question well is not pushed onto others. A passage is keyed by
 * its source, its position and a hash of its text, so an edited passage starts afresh. At most
 * {@value #MAX_PAIRS} pairs are kept (beyond, only known pairs learn).
 *
 * <p>Saved as JSON ({@code {"schema":2,"passages":{key:{term:[helped, shown]}}}}) with {@link
 * AtomicFiles}, so a crash leaves the previous file or the new one. Thread-safe.
 */
final class PassagePriors {

  static final int SCHEMA = 2;
  static final int MAX_PAIRS = 500_000;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final Map<String, Map<String, double[]>> stats = new HashMap<>();
  private int pairs;
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
        throw new IOException(
            "not a schema-" + SCHEMA + " passage-priors file (delete it to start afresh)");
      }
      for (var e : root.get("passages").properties()) {
        Map<String, double[]> terms = new HashMap<>();
        for (var t : e.getValue().properties()) {
          double helped = t.getValue().path(0).asDouble(Double.NaN);
          double shown = t.getValue().path(1).asDouble(Double.NaN);
          if (!(helped >= 0 && shown >= helped)) {
            throw new IOException(
                "passage '"
                    + e.getKey()
                    + "', term '"
                    + t.getKey()
                    + "': helped/shown out of range");
          }
          terms.put(t.getKey(), new double[] {helped, shown});
          p.pairs++;
        }
        p.stats.put(e.getKey(), terms);
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
   * @param terms the query's analysed terms
   * @return the passage's prior quality for such a query, in (0, 1), 0.5 when never rated for any
   *     of those terms
   */
  synchronized double prior(String key, List<String> terms) {
    Map<String, double[]> byTerm = stats.get(key);
    if (byTerm == null) {
      return 0.5;
    }
    double helped = 0;
    double shown = 0;
    for (String t : terms) {
      double[] s = byTerm.get(t);
      if (s != null) {
        helped += s[0];
        shown += s[1];
      }
    }
    return (helped + 2) / (shown + 4);
  }

  /**
   * Credits the passages of one answer for the query's terms: the passage at rank {@code i} (from
   * 0) takes {@code weight/(i+1)} of the evidence, spread over the terms, so the top passage, which
   * the answer leans on most, learns most.
   *
   * @param keys the answer's passages, best first
   * @param terms the query's analysed terms
   * @param reward the answer's reward, in [0, 1]
   * @param weight how much of the feedback is this expert's, in [0, 1]
   */
  synchronized void credit(List<String> keys, List<String> terms, double reward, double weight) {
    if (terms.isEmpty()) {
      return;
    }
    for (int i = 0; i < keys.size(); i++) {
      double w = weight / (i + 1) / terms.size();
      Map<String, double[]> byTerm = stats.computeIfAbsent(keys.get(i), k -> new HashMap<>());
      for (String t : terms) {
        double[] s = byTerm.get(t);
        if (s == null) {
          if (pairs >= MAX_PAIRS) {
            continue;
          }
          s = new double[2];
          byTerm.put(t, s);
          pairs++;
        }
        s[0] += w * reward;
        s[1] += w;
      }
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
      ObjectNode terms = passages.putObject(e.getKey());
      for (var t : new TreeMap<>(e.getValue()).entrySet()) {
        terms.putArray(t.getKey()).add(t.getValue()[0]).add(t.getValue()[1]);
      }
    }
    try {
      AtomicFiles.write(file, JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8));
      unsaved = 0;
    } catch (IOException e) {
      throw new UncheckedIOException("knowledge: cannot save passage priors " + file, e);
    }
  }
}
