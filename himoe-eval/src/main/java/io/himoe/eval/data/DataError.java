package io.himoe.eval.data;

import java.nio.file.Path;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Bad input data: names the file, the line (1-based; 0 when the problem concerns the whole file)
 * and the field when one is at fault. The message is meant for a user, never a stack trace.
 */
public final class DataError extends RuntimeException {

  private final transient Path file;
  private final int line;
  private final @Nullable String field;

  /**
   * @param file the file at fault
   * @param line the 1-based line, or 0 for the whole file
   * @param field the field at fault, or {@code null}
   * @param problem what is wrong, in plain words
   */
  public DataError(Path file, int line, @Nullable String field, String problem) {
    super(format(file, line, field, problem), null, false, false);
    this.file = file;
    this.line = line;
    this.field = field;
  }

  private static String format(Path file, int line, @Nullable String field, String problem) {
    StringBuilder b = new StringBuilder().append(file);
    if (line > 0) {
      b.append(", line ").append(line);
    }
    if (field != null) {
      b.append(", field '").append(field).append('\'');
    }
    return b.append(": ").append(problem).toString();
  }

  /**
   * @return the file at fault
   */
  public Path file() {
    return file;
  }

  /**
   * @return the 1-based line, or 0 when the whole file is at fault
   */
  public int line() {
    return line;
  }

  /**
   * @return the field at fault, if one is
   */
  public Optional<String> field() {
    return Optional.ofNullable(field);
  }
}
