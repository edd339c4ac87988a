package io.himoe.shared;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file so that a crash at any moment leaves either the old content or the new one, never a
 * mix: the bytes go to a temporary file in the same directory, are forced to disk, and the
 * temporary file is renamed over the target atomically; the directory is then synced so that the
 * rename itself survives a power cut. Snapshots, saved learners and cached documents use it.
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
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
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

  // Makes the rename durable on Linux; directories cannot be opened everywhere, so best effort.
  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // The rename happened; only its durability across a power cut is not guaranteed here.
    }
  }
}
