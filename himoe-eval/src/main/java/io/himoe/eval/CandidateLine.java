package io.himoe.eval;

import io.himoe.eval.data.DataError;
import io.himoe.eval.routes.Candidate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * One line of a {@code --candidates} file: the encoder and head flags of {@code eval routes}
 * ({@code --encoder}, {@code --hidden}, {@code --epochs}, {@code --learning-rate}, {@code --seed},
 * {@code --dropout}, {@code --label-smoothing}, {@code --temperature}, {@code --threshold-rule}),
 * separated by spaces, without quoting.
 */
@Command(name = "candidate")
final class CandidateLine {

  @Mixin FitFlags fit = new FitFlags();

  @Mixin HeadFlags head = new HeadFlags();

  /**
   * @param file the candidates file: one setting per line; blank lines and lines starting with #
   *     are skipped
   * @return the candidates, in file order
   * @throws DataError naming the file, line and problem
   */
  static List<Candidate> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException("--candidates: cannot read " + file + ": " + e, e);
    }
    List<Candidate> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      CandidateLine c = new CandidateLine();
      try {
        new CommandLine(c).parseArgs(line.split("\\s+"));
        out.add(Candidate.of(line, c.fit.encoder, c.head.apply(c.fit.fitOptions()), c.head.rule()));
      } catch (CommandLine.ParameterException | IllegalArgumentException e) {
        throw new DataError(file, i + 1, "candidate", String.valueOf(e.getMessage()));
      }
    }
    return out;
  }
}
