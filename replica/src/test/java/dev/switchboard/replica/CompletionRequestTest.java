package dev.switchboard.replica;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.replica.CompletionRequest.Endpoint;
import org.junit.jupiter.api.Test;

class CompletionRequestTest {

  private static CompletionRequest chat(String json) throws InvalidRequest {
    return CompletionRequest.parse(Endpoint.CHAT, json.getBytes(UTF_8));
  }

  private static CompletionRequest text(String json) throws InvalidRequest {
    return CompletionRequest.parse(Endpoint.TEXT, json.getBytes(UTF_8));
  }

  @Test
  void chatPromptIsCeilingOfAQuarterOfTheContentCharacters() throws InvalidRequest {
    // 9 + 4 characters = 13 → 4 tokens
    CompletionRequest r = chat(
        "{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"123456789\"},"
            + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"abcd\"}]}]}");
    assertThat(r.promptTokens()).isEqualTo(4);
  }

  @Test
  void completionPromptAsTokenIdsCountsExactly() throws InvalidRequest {
    assertThat(text("{\"prompt\":[1,2,3,4,5]}").promptTokens()).isEqualTo(5);
    assertThat(text("{\"prompt\":\"12345\"}").promptTokens()).isEqualTo(2);
  }

  @Test
  void maxCompletionTokensWinsOverMaxTokensForChat() throws InvalidRequest {
    CompletionRequest r = chat("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
        + "\"max_tokens\":5,\"max_completion_tokens\":7}");
    assertThat(r.maxTokens()).hasValue(7);
  }

  @Test
  void readsStreamAndIncludeUsageAndIgnoresPriority() throws InvalidRequest {
    CompletionRequest r = text("{\"prompt\":\"x\",\"stream\":true,"
        + "\"stream_options\":{\"include_usage\":true},\"priority\":3}");
    assertThat(r.stream()).isTrue();
    assertThat(r.includeUsage()).isTrue();
    assertThat(r.maxTokens()).isEmpty();
    assertThat(r.model()).isEmpty();
  }

  @Test
  void rejectsBadJsonAndBadFields() {
    assertThatThrownBy(() -> chat("{\"messages\": ["))
        .isInstanceOf(InvalidRequest.class).hasMessageContaining("JSON");
    assertThatThrownBy(() -> chat("{} {}")).isInstanceOf(InvalidRequest.class);
    assertThatThrownBy(() -> chat("[]")).isInstanceOf(InvalidRequest.class);
    assertThatThrownBy(() -> chat("{\"messages\":[]}"))
        .isInstanceOf(InvalidRequest.class).hasMessageContaining("messages");
    assertThatThrownBy(() -> text("{\"prompt\":\"x\",\"max_tokens\":0}"))
        .isInstanceOf(InvalidRequest.class).hasMessageContaining("max_tokens");
    assertThatThrownBy(() -> text("{\"prompt\":\"x\",\"stream\":\"yes\"}"))
        .isInstanceOf(InvalidRequest.class).hasMessageContaining("stream");
    assertThatThrownBy(() -> text("{\"max_tokens\":3}"))
        .isInstanceOf(InvalidRequest.class).hasMessageContaining("prompt");
  }
}
