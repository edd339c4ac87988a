package io.himoe.branches.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads CLINC150 JSON lines: one {@code {"text", "intent", "domain"}} object per line. */
public final class Clinc {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Clinc() {}

  /**
   * One utterance.
   *
   * @param text the utterance
   * @param intent its intent
   * @param domain its domain
   */
  public record Utterance(String text, String intent, String domain) {}

  /**
   * @param file a {@code .jsonl} file
   * @return its utterances, in order
   * @throws IOException if it cannot be read, or a line is not an object with the three fields
   */
  public static List<Utterance> read(Path file) throws IOException {
    List<Utterance> out = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(file)) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        JsonNode o = JSON.readTree(line);
        for (String f : new String[] {"text", "intent", "domain"}) {
          if (!o.hasNonNull(f) || !o.get(f).isTextual()) {
            throw new IOException(
                file + " line " + n + ": field '" + f + "' is missing or not a string");
          }
        }
        out.add(
            new Utterance(
                o.get("text").asText(), o.get("intent").asText(), o.get("domain").asText()));
      }
    }
    return out;
  }
}
