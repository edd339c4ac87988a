package io.himoe.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.himoe.shared.Message;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A session's implicit id is a digest of its turns: replicas and restarts must compute the same
 * one, so its bytes are pinned here.
 */
class ChatSessionsHashTest {

  @Test
  void theDigestCoversEachTurnsRoleAndTextInAFixedLayout() throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (String[] turn : new String[][] {{"USER", "What is 2+2?"}, {"ASSISTANT", "4 é"}}) {
      b.writeBytes(turn[0].getBytes(StandardCharsets.UTF_8));
      b.writeBytes(("\u0000t" + turn[1]).getBytes(StandardCharsets.UTF_8));
      b.write(1);
    }
    String expected =
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.toByteArray()));
    assertThat(ChatSessions.hash(List.of(Message.user("What is 2+2?"), Message.assistant("4 é"))))
        .isEqualTo(expected);
    assertThat(ChatSessions.hash(List.of()))
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest()));
  }
}
