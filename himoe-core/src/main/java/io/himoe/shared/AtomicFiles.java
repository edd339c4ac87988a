package io.himoe.shared;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

/**
 * Writes a file so that a crash at any moment leaves either the old content or the new one, never a
 * mix: the bytes go to a temporary file in the same directory, are forced to disk, and the
 * temporary file is renamed over the target atomically; the directory is then synced so that the
 * rename itself survives a power cut. Temporary files a crash left behind are removed by the next
 * write of the same file. Snapshots, saved learners and cached documents use it.
 */
public final class AtomicFiles {

  private AtomicFiles() {}

  /**
   * Replaces {@code file}'s content with {@code data} atomically, creating its directory if needed.
   *
   * @param file the target
   * @param data its new content
   * @throws IOException if it cannot be written, naming the file; the previous content is then
   *     intact and no temporary file is left behind
   */
  public static void write(Path file, byte[] data) throws IOException {
    Path dir = directoryOf(file);
    Files.createDirectories(dir);
    removeStaleTemporaries(dir, file.getFileName().toString());
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(data);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException(
            file + ": the file system cannot rename atomically; not saved (the old file is intact)",
            e);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    syncDirectory(dir);
  }

  /** The directory holding {@code file}; a file system root holds no file to replace. */
  private static Path directoryOf(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (dir == null) {
      throw new IOException(file + ": not a file (a file system root)");
    }
    return dir;
  }

  /** A write takes milliseconds: a temporary file older than this was left by a crash. */
  static final Duration STALE_AFTER = Duration.ofMinutes(1);

  /**
   * Deletes the temporary files a crash (kill -9, power cut) left behind for {@code name}: those
   * older than {@link #STALE_AFTER}, so that a write in progress elsewhere is never touched.
   */
  private static void removeStaleTemporaries(Path dir, String name) {
    String prefix = "." + name;
    FileTime before = FileTime.from(Instant.now().minus(STALE_AFTER));
    try (DirectoryStream<Path> tmps = Files.newDirectoryStream(dir, prefix + "*.tmp")) {
      for (Path tmp : tmps) {
        try {
          if (Files.getLastModifiedTime(tmp).compareTo(before) < 0) {
            Files.deleteIfExists(tmp);
          }
        } catch (IOException gone) {
          // Removed meanwhile, or not ours to remove: the write itself is unaffected.
        }
      }
    } catch (IOException e) {
      // Listing failed: cleaning is best effort, the write goes on.
    }
  }

  // Makes the rename durable on Linux; directories cannot be opened everywhere, so best effort.
  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // The rename happened; only its durability across a power cut is not guaranteed here.
    }
  }
}
