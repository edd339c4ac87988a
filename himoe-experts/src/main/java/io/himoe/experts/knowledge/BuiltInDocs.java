package io.himoe.experts.knowledge;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The documents shipped in this jar under {@code io/himoe/experts/knowledge/builtin/}, listed in
 * its {@code INDEX} file (a jar cannot be listed reliably). They are copied to a folder only when
 * their bytes differ, so an unchanged set keeps its modification times and its index.
 */
final class BuiltInDocs {
  private static final String BASE = "io/himoe/experts/knowledge/builtin/";

  private BuiltInDocs() {}

  static Path extract(Path dir) {
    try {
      Files.createDirectories(dir);
      for (String name : names()) {
        byte[] content = resource(name);
        Path target = dir.resolve(name);
        if (!Files.exists(target) || !Arrays.equals(Files.readAllBytes(target), content)) {
          io.himoe.shared.AtomicFiles.write(target, content);
        }
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("knowledge: cannot copy the built-in documents to " + dir, e);
    }
  }

  static List<String> names() throws IOException {
    return new String(resource("INDEX"), StandardCharsets.UTF_8)
        .lines()
        .map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .toList();
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = BuiltInDocs.class.getClassLoader().getResourceAsStream(BASE + name)) {
      if (in == null) {
        throw new IOException("built-in document " + name + " is missing from the jar");
      }
      return in.readAllBytes();
    }
  }
}
