package io.himoe.eval.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A report directory written all at once: files go to a staging directory next to the target (same
 * file system, so moves are atomic) and {@link #commit()} moves them in. Closing without committing
 * deletes the staging directory and leaves the target as it was.
 */
public final class ReportDir implements AutoCloseable {

  private final Path target;
  private final Path staging;
  private boolean committed;

  private ReportDir(Path target, Path staging) {
    this.target = target;
    this.staging = staging;
  }

  /**
   * @param target the report directory (created on commit if absent; files of the same name are
   *     replaced, others kept)
   * @return a staging area for it
   * @throws IllegalArgumentException if the target exists and is not a directory
   * @throws IOException if the staging directory cannot be created
   */
  public static ReportDir stage(Path target) throws IOException {
    Path abs = target.toAbsolutePath().normalize();
    if (Files.exists(abs) && !Files.isDirectory(abs)) {
      throw new IllegalArgumentException("--report: " + abs + " exists and is not a directory");
    }
    Path parent = abs.getParent();
    Files.createDirectories(parent);
    return new ReportDir(abs, Files.createTempDirectory(parent, ".report-staging-"));
  }

  /**
   * @param name a file name (no directories)
   * @return where to write that file while staging
   */
  public Path file(String name) {
    if (name.contains("/") || name.contains("\\") || name.startsWith(".")) {
      throw new IllegalArgumentException("report file name must be a plain name: " + name);
    }
    return staging.resolve(name);
  }

  /**
   * Moves every staged file into the target directory.
   *
   * @return the files now in the target, by name order
   * @throws IOException if a move fails
   */
  public List<Path> commit() throws IOException {
    Files.createDirectories(target);
    List<Path> moved = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(staging)) {
      for (Path f : files) {
        Path to = target.resolve(f.getFileName().toString());
        move(f, to);
        moved.add(to);
      }
    }
    committed = true;
    moved.sort(null);
    return moved;
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Deletes the staging directory (and, when not committed, everything staged in it). */
  @Override
  public void close() {
    try (var walk = Files.walk(staging)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (java.nio.file.NoSuchFileException e) {
      // already gone
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete report staging " + staging, e);
    }
  }

  /**
   * @return whether {@link #commit()} completed
   */
  public boolean committed() {
    return committed;
  }
}
