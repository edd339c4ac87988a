package io.himoe.branches.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The joint-training accuracies {@code a*_j} that intransigence (Chaudhry et al. 2018) needs, read
 * from the output of a {@code cl run --method joint} of the same protocol and scenario: its JSON
 * line carries {@code diagonal}, the accuracy on task j of the model trained jointly on tasks
 * {@code 0..j}. Reading a saved run is the cheap honest choice: the joint reference is trained once
 * per protocol and scenario instead of inside every method's run.
 */
public final class JointReference {

  private JointReference() {}

  /**
   * Reads the last JSON line of a saved joint run (its stdout redirected to a file).
   *
   * @param file the saved output
   * @param protocol the protocol the reference must match (name, scenario, number of tasks)
   * @return {@code a*_j} per task, fractions
   * @throws IllegalArgumentException naming the file and the problem: missing, no JSON line, not a
   *     joint run, another protocol or scenario, wrong number of tasks
   */
  public static double[] read(Path file, Protocol protocol) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("--joint-reference " + file + ": no such file", e);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "--joint-reference " + file + ": cannot be read (" + e.getMessage() + ")", e);
    }
    JsonNode json = null;
    for (int i = lines.size() - 1; i >= 0 && json == null; i--) {
      String l = lines.get(i).strip();
      if (l.startsWith("{")) {
        try {
          json = new ObjectMapper().readTree(l);
        } catch (JsonProcessingException e) {
          throw new IllegalArgumentException(
              "--joint-reference " + file + ": line " + (i + 1) + " is not valid JSON", e);
        }
      }
    }
    if (json == null) {
      throw new IllegalArgumentException(
          "--joint-reference " + file + ": no JSON line (save the stdout of a cl run)");
    }
    String scenario = protocol.scenario().name().toLowerCase(Locale.ROOT);
    expect(file, json, "method", "joint");
    expect(file, json, "protocol", protocol.name());
    expect(file, json, "scenario", scenario);
    JsonNode d = json.get("diagonal");
    int t = protocol.tasks().size();
    if (d == null || !d.isArray()) {
      throw new IllegalArgumentException(
          "--joint-reference " + file + ": no 'diagonal' array (re-run the joint method)");
    }
    if (d.size() != t) {
      throw new IllegalArgumentException(
          "--joint-reference "
              + file
              + ": 'diagonal' has "
              + d.size()
              + " tasks, this protocol has "
              + t);
    }
    double[] a = new double[t];
    for (int j = 0; j < t; j++) {
      if (!d.get(j).isNumber() || d.get(j).asDouble() < 0 || d.get(j).asDouble() > 1) {
        throw new IllegalArgumentException(
            "--joint-reference " + file + ": diagonal[" + j + "] is not an accuracy in [0, 1]");
      }
      a[j] = d.get(j).asDouble();
    }
    return a;
  }

  private static void expect(Path file, JsonNode json, String key, String want) {
    String got = json.path(key).asText("");
    if (!got.equals(want)) {
      throw new IllegalArgumentException(
          "--joint-reference " + file + ": " + key + " is '" + got + "', expected '" + want + "'");
    }
  }
}
