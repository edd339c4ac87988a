package io.himoe.eval.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportDirTest {

  @TempDir Path dir;

  @Test
  void nothingReachesTheTargetWithoutCommit() throws IOException {
    Path target = dir.resolve("report");
    try (ReportDir r = ReportDir.stage(target)) {
      Files.writeString(r.file("a.txt"), "half");
      // a failure here: close() without commit()
    }
    assertThat(target).doesNotExist();
    assertThat(Files.list(dir)).isEmpty();
  }

  @Test
  void commitMovesEveryFileAndKeepsOthers() throws IOException {
    Path target = Files.createDirectories(dir.resolve("report"));
    Files.writeString(target.resolve("old.txt"), "keep");
    Files.writeString(target.resolve("a.txt"), "stale");
    try (ReportDir r = ReportDir.stage(target)) {
      Files.writeString(r.file("a.txt"), "new");
      Files.writeString(r.file("b.txt"), "new");
      assertThat(r.commit()).hasSize(2);
      assertThat(r.committed()).isTrue();
    }
    assertThat(Files.readString(target.resolve("a.txt"))).isEqualTo("new");
    assertThat(Files.readString(target.resolve("old.txt"))).isEqualTo("keep");
    assertThat(Files.list(dir)).containsExactly(target);
  }
}
