package io.himoe.eval.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CSV with a header row (RFC 4180): fields separated by commas, optionally quoted; inside quotes a
 * doubled quote is a quote and commas and line breaks are data. Every row must have as many fields
 * as the header; a ragged row is an error naming the line where the row starts.
 */
final class CsvRows {

  private CsvRows() {}

  /** A parsed record and the line it started on. */
  private record Raw(int line, List<String> cells) {}

  static List<DataRow> parse(Path file, String content) {
    List<Raw> raws = records(file, content);
    if (raws.isEmpty()) {
      throw new DataError(file, 0, null, "file is empty");
    }
    List<String> header = raws.getFirst().cells();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < header.size(); i++) {
      String name = header.get(i).strip();
      if (name.isEmpty()) {
        throw new DataError(file, 1, null, "header column " + (i + 1) + " has no name");
      }
      if (!seen.add(name)) {
        throw new DataError(file, 1, name, "header names this column twice");
      }
    }
    List<DataRow> rows = new ArrayList<>(raws.size() - 1);
    for (Raw r : raws.subList(1, raws.size())) {
      if (r.cells().size() != header.size()) {
        throw new DataError(
            file,
            r.line(),
            null,
            "row has "
                + r.cells().size()
                + " fields but the header has "
                + header.size()
                + " ("
                + String.join(", ", header)
                + ")");
      }
      Map<String, JsonNode> fields = new LinkedHashMap<>();
      for (int i = 0; i < header.size(); i++) {
        fields.put(header.get(i).strip(), TextNode.valueOf(r.cells().get(i)));
      }
      rows.add(new DataRow(file, r.line(), fields));
    }
    return rows;
  }

  /** Splits the content into records, skipping blank lines between records. */
  private static List<Raw> records(Path file, String s) {
    List<Raw> out = new ArrayList<>();
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    int line = 1;
    int start = 1;
    boolean quoted = false;
    boolean wasQuoted = false;
    int quoteLine = 0;
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < s.length() && s.charAt(i + 1) == '"') {
            cell.append('"');
            i += 2;
            continue;
          }
          quoted = false;
        } else {
          if (c == '\n') {
            line++;
          }
          cell.append(c);
        }
        i++;
        continue;
      }
      switch (c) {
        case '"' -> {
          if (!cell.isEmpty() || wasQuoted) {
            throw new DataError(
                file, line, null, "a quote inside an unquoted field (quote the whole field)");
          }
          quoted = true;
          wasQuoted = true;
          quoteLine = line;
        }
        case ',' -> {
          cells.add(cell.toString());
          cell.setLength(0);
          wasQuoted = false;
        }
        case '\r' -> {
          // CRLF line ends: the '\n' that follows ends the record.
        }
        case '\n' -> {
          endRecord(out, cells, cell, wasQuoted, start);
          cells = new ArrayList<>();
          wasQuoted = false;
          line++;
          start = line;
        }
        default -> {
          if (wasQuoted) {
            throw new DataError(file, line, null, "text after a closing quote");
          }
          cell.append(c);
        }
      }
      i++;
    }
    if (quoted) {
      throw new DataError(file, quoteLine, null, "quoted field is never closed");
    }
    endRecord(out, cells, cell, wasQuoted, start);
    return out;
  }

  private static void endRecord(
      List<Raw> out, List<String> cells, StringBuilder cell, boolean wasQuoted, int start) {
    if (cells.isEmpty() && cell.isEmpty() && !wasQuoted) {
      return; // a blank line
    }
    cells.add(cell.toString());
    cell.setLength(0);
    out.add(new Raw(start, List.copyOf(cells)));
  }
}
