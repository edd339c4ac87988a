package io.himoe.eval.data;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Reads a data file into rows, choosing the format by extension: {@code .jsonl}/{@code .ndjson}
 * (one JSON object per line; blank lines skipped) or {@code .csv} (a header row, RFC 4180 quoting:
 * fields may hold commas, quotes doubled, and newlines). Files are UTF-8.
 */
public final class DataFiles {

  private DataFiles() {}

  /**
   * @param file the file to read
   * @return its rows, in file order; never empty
   * @throws DataError if the file is missing, empty, of an unknown kind, or malformed (naming the
   *     line)
   */
  public static List<DataRow> read(Path file) {
    String content = load(file);
    List<DataRow> rows =
        switch (kind(file)) {
          case "jsonl" -> JsonLines.parse(file, content);
          case "csv" -> CsvRows.parse(file, content);
          default ->
              throw new DataError(
                  file, 0, null, "unknown file kind: expected a .jsonl, .ndjson or .csv file");
        };
    if (rows.isEmpty()) {
      throw new DataError(file, 0, null, "file has no data rows");
    }
    return rows;
  }

  private static String kind(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
      return "jsonl";
    }
    return name.endsWith(".csv") ? "csv" : "unknown";
  }

  static String load(Path file) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      if (bytes.length == 0) {
        throw new DataError(file, 0, null, "file is empty");
      }
      String s =
          StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
      // A byte-order mark is not part of the first field's name.
      return s.startsWith("\uFEFF") ? s.substring(1) : s;
    } catch (NoSuchFileException e) {
      throw new DataError(file, 0, null, "file not found");
    } catch (CharacterCodingException e) {
      throw new DataError(file, 0, null, "not valid UTF-8");
    } catch (IOException e) {
      throw new DataError(file, 0, null, "cannot read: " + e.getMessage());
    }
  }
}
