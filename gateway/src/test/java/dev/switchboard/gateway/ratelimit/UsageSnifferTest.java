package dev.switchboard.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UsageSnifferTest {
  private static long sniff(String... pieces) {
    UsageSniffer s = new UsageSniffer();
    for (String p : pieces) {
      s.accept(Unpooled.wrappedBuffer(p.getBytes(StandardCharsets.UTF_8)));
    }
    return s.totalTokens();
  }

  @Test
  void readsTheUsageOfACompletion() {
    assertThat(sniff("{\"id\":\"x\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":14,\"total_tokens\":26}}"))
        .isEqualTo(26);
  }

  @Test
  void readsKeysAndNumbersCutAcrossPieces() {
    String body = "{\"usage\": {\"prompt_tokens\" : 1234, \"completion_tokens\":\n 56}}";
    for (int cut = 1; cut < body.length(); cut++) {
      assertThat(sniff(body.substring(0, cut), body.substring(cut))).as("cut at %d", cut).isEqualTo(1290);
    }
  }

  @Test
  void theFinalUsageChunkOfAStreamCounts() {
    assertThat(
            sniff(
                "data: {\"choices\":[{\"delta\":{\"content\":\" a\"}}],\"usage\":null}\n\n",
                "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"total_tokens\":10,\"completion_tokens\":3}}\n\n",
                "data: [DONE]\n\n"))
        .isEqualTo(10);
  }

  @Test
  void theLastUsageSeenWins() {
    assertThat(sniff("{\"prompt_tokens\":1,\"completion_tokens\":1}", "{\"prompt_tokens\":5,\"completion_tokens\":6}"))
        .isEqualTo(11);
  }

  @Test
  void keysInsideGeneratedTextDoNotCount() {
    assertThat(sniff("{\"choices\":[{\"message\":{\"content\":\"say \\\"prompt_tokens\\\": 999\"}}]}")).isEqualTo(-1);
  }

  @Test
  void longerKeysAndNonNumbersAreNotUsage() {
    assertThat(sniff("{\"prompt_tokens_details\":{\"cached_tokens\":4},\"prompt_tokens\":null}")).isEqualTo(-1);
  }

  @Test
  void aResponseWithoutUsageGivesMinusOneAndOneEndingOnTheNumberIsRead() {
    assertThat(sniff("{\"choices\":[]}")).isEqualTo(-1);
    assertThat(sniff("\"completion_tokens\":42")).isEqualTo(42);
  }
}
