package io.himoe.eval.data;

import java.nio.file.Path;
import java.util.List;

/**
 * A text with its gold label, and where it was read.
 *
 * @param text the text, not blank
 * @param label the gold label, not blank
 * @param file the source file
 * @param line the 1-based source line
 */
public record Labelled(String text, String label, Path file, int line) {

  /**
   * Reads labelled rows from a JSONL or CSV file.
   *
   * @param file the file
   * @param textField the name of the text field
   * @param labelField the name of the label field
   * @return the rows, in file order, never empty
   * @throws DataError naming the file, line and field of the first bad row
   */
  public static List<Labelled> read(Path file, String textField, String labelField) {
    return DataFiles.read(file).stream()
        .map(r -> new Labelled(r.text(textField), r.text(labelField).strip(), file, r.line()))
        .toList();
  }
}
