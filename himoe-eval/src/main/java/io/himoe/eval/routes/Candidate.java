package io.himoe.eval.routes;

import io.himoe.learning.fit.FitOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One setting that {@link KFoldSelection} compares: an encoder, a gate head and a threshold rule.
 *
 * @param line the setting as the user wrote it (its flags), to name it in the output
 * @param encoder the encoder's name, as {@code Encoders.byName} reads it
 * @param fit how the gate is fitted
 * @param rule how the out-of-scope threshold is calibrated
 * @param tuned whether a part of the encoder was fine-tuned (an {@code onnx:} model with a {@code
 *     tune.json} written by {@code himoe tune} beside it or one directory up): such an encoder
 *     learned from training rows that cross-validation holds out, so its cross-validated score is
 *     optimistic and it is not chosen
 */
public record Candidate(
    String line, String encoder, FitOptions fit, ThresholdRule rule, boolean tuned) {

  /** Validates. */
  public Candidate {
    Objects.requireNonNull(line, "line");
    Objects.requireNonNull(encoder, "encoder");
    Objects.requireNonNull(fit, "fit");
    Objects.requireNonNull(rule, "rule");
  }

  /**
   * A candidate whose {@link #tuned()} flag is read from the encoder's files.
   *
   * @param line the setting as written
   * @param encoder the encoder's name
   * @param fit how the gate is fitted
   * @param rule how the threshold is calibrated
   * @return the candidate
   */
  public static Candidate of(String line, String encoder, FitOptions fit, ThresholdRule rule) {
    return new Candidate(line, encoder, fit, rule, tunedEncoder(encoder));
  }

  /**
   * @param encoder an encoder name, possibly several joined by {@code +}
   * @return whether one of its {@code onnx:FILE} parts has a {@code tune.json} beside {@code FILE}
   *     or in its parent directory (where {@code himoe tune --save-epochs} keeps it for {@code
   *     epoch-N/} checkpoints)
   */
  static boolean tunedEncoder(String encoder) {
    for (String part : encoder.split("\\+")) {
      String p = part.strip();
      if (!p.startsWith("onnx:")) {
        continue;
      }
      String file = p.substring("onnx:".length());
      int comma = file.indexOf(',');
      Path dir = Path.of(comma < 0 ? file : file.substring(0, comma)).toAbsolutePath().getParent();
      if (dir != null
          && (Files.isRegularFile(dir.resolve("tune.json"))
              || (dir.getParent() != null
                  && Files.isRegularFile(dir.getParent().resolve("tune.json"))))) {
        return true;
      }
    }
    return false;
  }
}
