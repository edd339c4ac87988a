package io.himoe.experts.knowledge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The text documents of a folder (recursively: {@code .md}, {@code .markdown}, {@code .txt}) and
 * their fingerprint: SHA-256 over every file's relative path, size, modification time and content
 * hash, so any added, removed, renamed or edited file changes it.
 *
 * @param root the folder
 * @param files the documents, sorted by relative path
 * @param fingerprint hex SHA-256 of the set
 */
record DocumentSet(Path root, List<Path> files, String fingerprint) {

  static final Set<String> EXTENSIONS = Set.of("md", "markdown", "txt");

  /** Largest document accepted, in bytes (16 MiB): documents are read whole. */
  static final long MAX_BYTES = 16L << 20;

  static DocumentSet scan(Path root) {
    if (!Files.isDirectory(root)) {
      throw new IllegalArgumentException("knowledge: docsDir " + root + " is not a directory");
    }
    List<Path> files;
    try (Stream<Path> s = Files.walk(root)) {
      files =
          s.filter(Files::isRegularFile)
              .filter(DocumentSet::isText)
              .sorted((a, b) -> relative(root, a).compareTo(relative(root, b)))
              .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("knowledge: cannot list " + root, e);
    }
    MessageDigest all = sha256();
    for (Path f : files) {
      try {
        long size = Files.size(f);
        if (size > MAX_BYTES) {
          throw new IllegalArgumentException(
              "knowledge: "
                  + relative(root, f)
                  + " is "
                  + size
                  + " bytes, the limit per document is "
                  + MAX_BYTES
                  + "; split it or move it out of the folder");
        }
        byte[] content = Files.readAllBytes(f);
        String line =
            relative(root, f)
                + "\t"
                + content.length
                + "\t"
                + Files.getLastModifiedTime(f).toMillis()
                + "\t"
                + HexFormat.of().formatHex(sha256().digest(content))
                + "\n";
        all.update(line.getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException("knowledge: cannot read " + f, e);
      }
    }
    return new DocumentSet(root, files, HexFormat.of().formatHex(all.digest()));
  }

  /**
   * @param file a document of this set
   * @return its UTF-8 text
   * @throws IllegalArgumentException if it is not valid UTF-8 (named, never silently mangled)
   */
  String read(Path file) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(
          "knowledge: " + relative(root, file) + " is not valid UTF-8 text", e);
    } catch (IOException e) {
      throw new UncheckedIOException("knowledge: cannot read " + file, e);
    }
  }

  static String relative(Path root, Path file) {
    return root.relativize(file).toString().replace('\\', '/');
  }

  private static boolean isText(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    int dot = n.lastIndexOf('.');
    return dot > 0 && EXTENSIONS.contains(n.substring(dot + 1)) && !n.startsWith(".");
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
