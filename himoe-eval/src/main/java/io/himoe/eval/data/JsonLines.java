package io.himoe.eval.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON Lines: one object per line; blank lines are skipped, anything else is an error. */
final class JsonLines {

  static final ObjectMapper JSON = new ObjectMapper();

  private JsonLines() {}

  static List<DataRow> parse(Path file, String content) {
    List<DataRow> rows = new ArrayList<>();
    int lineNo = 0;
    for (String line : content.split("\n", -1)) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      JsonNode node;
      try {
        node = JSON.readTree(line);
      } catch (JsonProcessingException e) {
        throw new DataError(file, lineNo, null, "not valid JSON: " + e.getOriginalMessage());
      }
      if (!(node instanceof ObjectNode o)) {
        throw new DataError(
            file, lineNo, null, "expected a JSON object, found " + DataRow.describe(node));
      }
      Map<String, JsonNode> fields = new LinkedHashMap<>();
      o.properties().forEach(e -> fields.put(e.getKey(), e.getValue()));
      rows.add(new DataRow(file, lineNo, fields));
    }
    return rows;
  }
}
