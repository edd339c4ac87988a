package io.himoe.server.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Promotions saved in a file survive a restart; a bad file is refused, naming it. */
class PromotionsTest {

  @TempDir Path dir;

  @Test
  void aSavedPromotionIsReadBackAndOneNamingAGoneRouterIsDropped() {
    Path file = dir.resolve("learned.snap.promotions.json");
    Promotions p = Promotions.savedIn(file, Set.of("main", "candidate", "old"));
    p.promote("main", "candidate");
    p.promote("old", "candidate");
    assertThat(file).exists();
    Promotions again = Promotions.savedIn(file, Set.of("main", "candidate", "old"));
    assertThat(again.current()).isEqualTo(Map.of("main", "candidate", "old", "candidate"));
    assertThat(again.resolve("old")).isEqualTo("candidate");
    // 'old' is no longer configured: its promotion goes, the other stays.
    assertThat(Promotions.savedIn(file, Set.of("main", "candidate")).current())
        .isEqualTo(Map.of("main", "candidate"));
    assertThat(new Promotions().current()).isEmpty();
  }

  @Test
  void aFileThatIsNotAPromotionsFileIsRefusedAndLeftAlone() throws Exception {
    Path file = dir.resolve("p.json");
    Files.writeString(file, "{\"something\": 1}");
    assertThatThrownBy(() -> Promotions.savedIn(file, Set.of("main")))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("not a schema-1 promotions file");
    assertThat(Files.readString(file)).isEqualTo("{\"something\": 1}");
  }
}
