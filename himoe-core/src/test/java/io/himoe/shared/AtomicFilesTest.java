package io.himoe.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

  @TempDir Path dir;

  @Test
  void writesAndReplacesWithoutLeavingTemporaryFiles() throws IOException {
    Path file = dir.resolve("sub/state.bin");
    AtomicFiles.write(file, "one".getBytes(StandardCharsets.UTF_8));
    assertThat(Files.readString(file)).isEqualTo("one");
    AtomicFiles.write(file, "two".getBytes(StandardCharsets.UTF_8));
    assertThat(Files.readString(file)).isEqualTo("two");
    try (var files = Files.list(file.getParent())) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void temporaryFilesLeftByACrashAreRemovedByTheNextWrite() throws IOException {
    Path file = dir.resolve("snapshot.json");
    // What a kill -9 between writing and renaming leaves: an old temporary file...
    Path stale = Files.writeString(dir.resolve(".snapshot.json123.tmp"), "half");
    Files.setLastModifiedTime(
        stale,
        java.nio.file.attribute.FileTime.from(
            java.time.Instant.now().minus(AtomicFiles.STALE_AFTER).minusSeconds(1)));
    // ...and a fresh one, as another process's write in progress would be: left alone.
    Path inProgress = Files.writeString(dir.resolve(".snapshot.json456.tmp"), "writing");

    AtomicFiles.write(file, "new".getBytes(StandardCharsets.UTF_8));

    assertThat(stale).doesNotExist();
    assertThat(inProgress).exists();
    assertThat(Files.readString(file)).isEqualTo("new");
  }

  @Test
  void aFailedWriteKeepsTheOldContentAndNamesTheFile() throws IOException {
    Path target = dir.resolve("target");
    // A non-empty directory in the target's place cannot be replaced by a rename.
    Files.createDirectories(target.resolve("inside"));
    assertThatThrownBy(() -> AtomicFiles.write(target, new byte[] {1, 2, 3}))
        .isInstanceOf(IOException.class);
    assertThat(target.resolve("inside")).isDirectory();
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(target);
    }
  }
}
