package io.himoe.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.himoe.experts.ExpertAux;
import io.himoe.experts.Generation;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConversationTest {

  static final List<Message> TURNS =
      List.of(
          Message.system("be brief"),
          Message.user("what is 6 * 7"),
          Message.assistant("42"),
          Message.user("and times 3?"));

  @Test
  void toTextIsTheLastUserTurnSoTextExpertsKeepWorking() {
    InputData c = InputData.conversation(TURNS);
    assertThat(c.toText()).isEqualTo("and times 3?");
    assertThat(c.asText()).contains("and times 3?");
    assertThat(c.describe()).isEqualTo("and times 3? [4 messages]");
    assertThat(c.params()).isEqualTo(GenerationParams.DEFAULT);
    assertThat(InputData.text("x").params()).isEqualTo(GenerationParams.DEFAULT);
  }

  @Test
  void windowAddsEarlierUserAndAssistantTurnsOldestFirst() {
    InputData.Conversation c = InputData.Conversation.of(TURNS);
    assertThat(c.window(0)).isEqualTo("and times 3?");
    assertThat(c.window(1)).isEqualTo("42\nand times 3?");
    assertThat(c.window(5)).isEqualTo("what is 6 * 7\n42\nand times 3?");
  }

  @Test
  void aConversationNeedsAUserTurnAndToolTurnsNeedTheirCall() {
    assertThatThrownBy(() -> InputData.conversation(List.of(Message.system("x"))))
        .isInstanceOf(MoeError.InvalidInput.class)
        .hasMessageContaining("user message");
    assertThatThrownBy(
            () ->
                new Message(
                    Message.Role.TOOL,
                    List.of(new ContentPart.Text("r")),
                    Optional.empty(),
                    Optional.empty(),
                    List.of()))
        .hasMessageContaining("tool message");
    assertThatThrownBy(
            () ->
                new Message(
                    Message.Role.USER,
                    List.of(),
                    Optional.empty(),
                    Optional.empty(),
                    List.of(new ToolCall("c1", "f", "{}"))))
        .hasMessageContaining("only an assistant");
    Message call = Message.assistantCalls(List.of(new ToolCall("c1", "weather", "{}")));
    assertThat(call.text()).isEmpty();
    assertThat(Message.tool("c1", "sunny").toolCallId()).contains("c1");
  }

  @Test
  void imagesAreCopiedAndComparedByContent() {
    byte[] png = {1, 2, 3};
    ContentPart.Image a = new ContentPart.Image(png, "image/png");
    png[0] = 9;
    assertThat(a.bytes()[0]).isEqualTo((byte) 1);
    assertThat(a).isEqualTo(new ContentPart.Image(new byte[] {1, 2, 3}, "image/png"));
    Message m =
        new Message(
            Message.Role.USER,
            List.of(new ContentPart.Text("what is this?"), a),
            Optional.empty(),
            Optional.empty(),
            List.of());
    assertThat(m.hasImage()).isTrue();
    assertThat(m.text()).isEqualTo("what is this?");
    Message twoTexts =
        new Message(
            Message.Role.USER,
            List.of(new ContentPart.Text("first"), a, new ContentPart.Text("second")),
            Optional.empty(),
            Optional.empty(),
            List.of());
    assertThat(twoTexts.text()).isEqualTo("first\nsecond");
    assertThat(Message.user("only").text()).isEqualTo("only");
    assertThat(Message.user("only").hasImage()).isFalse();
    assertThatThrownBy(() -> new ContentPart.Image(new byte[] {1}, "text/plain"))
        .hasMessageContaining("image/*");
    assertThatThrownBy(() -> new ContentPart.ImageUrl(java.net.URI.create("file:///etc/passwd")))
        .hasMessageContaining("http or https");
  }

  @Test
  void parametersAreRangeChecked() {
    assertThat(GenerationParams.builder().temperature(0.2).maxTokens(5).build().maxTokens())
        .hasValue(5);
    assertThatThrownBy(() -> GenerationParams.builder().temperature(2.5).build())
        .hasMessageContaining("temperature");
    assertThatThrownBy(() -> GenerationParams.builder().maxTokens(0).build())
        .hasMessageContaining("max_tokens");
    assertThatThrownBy(
            () ->
                GenerationParams.builder()
                    .tools(
                        List.of(
                            new ToolSpec(
                                "weather",
                                Optional.empty(),
                                Optional.of(JsonNodeFactory.instance.objectNode()),
                                false)))
                    .toolChoice(new ToolChoice.Function("time"))
                    .build())
        .hasMessageContaining("not in tools");
  }

  @Test
  void toolCallsRenderAndAuxCarriesGeneration() {
    Value v = Value.toolCalls("", List.of(new ToolCall("c1", "weather", "{\"city\":\"Paris\"}")));
    assertThat(v.render()).isEqualTo("(tool call weather {\"city\":\"Paris\"})");
    ExpertAux aux = new ExpertAux(3, 0.5, 0.9, "t");
    assertThat(aux.generation()).isEmpty();
    Generation g =
        new Generation(
            12, 4, true, Generation.FinishReason.TOOL_CALLS, Optional.of("m"), 0, Optional.empty());
    assertThat(aux.withGeneration(g).measured(7, "t2").generation()).contains(g);
    assertThat(g.totalTokens()).isEqualTo(16);
    assertThat(g.finishReason().wireName()).isEqualTo("tool_calls");
  }

  @Test
  void withMaxTokensSetsTheBoundAndKeepsEveryOtherParameter() {
    GenerationParams p =
        GenerationParams.builder()
            .temperature(0.3)
            .topP(0.9)
            .maxTokens(500)
            .stop(List.of("END"))
            .seed(7)
            .presencePenalty(0.1)
            .frequencyPenalty(0.2)
            .user("ann")
            .logprobs(true)
            .topLogprobs(2)
            .parallelToolCalls(false)
            .build();

    GenerationParams capped = p.withMaxTokens(64);

    assertThat(capped.maxTokens()).hasValue(64);
    assertThat(capped).usingRecursiveComparison().ignoringFields("maxTokens").isEqualTo(p);
    assertThat(capped).isNotEqualTo(p);
  }
}
