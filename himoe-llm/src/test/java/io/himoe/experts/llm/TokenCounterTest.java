package io.himoe.experts.llm;

import static org.assertj.core.api.Assertions.assertThat;

import io.himoe.shared.InputData;
import io.himoe.shared.Message;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenCounterTest {

  @Test
  void aConversationCountsEachMessagesTextRoleAndFramingAndThePriming() {
    for (String encoding : List.of("o200k_base", "cl100k_base")) {
      TokenCounter t = TokenCounter.of(encoding);
      List<Message> messages =
          List.of(
              Message.system("You are terse."),
              Message.user("What is 12 * (7 + 5) - 3?"),
              Message.assistant("141"),
              Message.user("And twice that?"));
      int expected = 3;
      for (Message m : messages) {
        expected += 3 + t.count(m.text()) + t.count(m.role().name().toLowerCase());
      }
      // Twice: the second count uses the role counts the first one kept.
      assertThat(t.count(messages)).isEqualTo(expected);
      assertThat(t.count(messages)).isEqualTo(expected);
      assertThat(t.prompt(InputData.text("hello there")))
          .isEqualTo(3 + 3 + t.count("hello there") + t.count("user"));
    }
  }
}
