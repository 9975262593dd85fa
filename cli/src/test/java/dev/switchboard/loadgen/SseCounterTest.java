package dev.switchboard.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SseCounterTest {
  private static final String STREAM =
      "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}\n\n"
          + ": keep-alive\n\n"
          + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hé\"}}]}\n\n"
          + "event: message\r\nid: 7\r\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"llo\"}}]}\r\n\r\n"
          + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"}}]}\n\n"
          + "data: {\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"hm\"}}]}\r\r"
          + "data: {\"choices\":[],\"usage\":{\"completion_tokens\":3}}\n\n"
          + "data: [DONE]\n\n";

  @Test
  void countsOnlyEventsCarryingGeneratedText() {
    SseCounter sse = new SseCounter();
    int completed = sse.feed(STREAM.getBytes(StandardCharsets.UTF_8));
    assertThat(completed).isEqualTo(3);
    assertThat(sse.contentEvents()).isEqualTo(3);
    assertThat(sse.events()).isEqualTo(7);
    assertThat(sse.done()).isTrue();
  }

  @Test
  void givesTheSameCountWhereverTheBytesAreSplit() {
    byte[] all = STREAM.getBytes(StandardCharsets.UTF_8);
    for (int cut = 0; cut <= all.length; cut++) {
      SseCounter sse = new SseCounter();
      int n = sse.feed(Arrays.copyOfRange(all, 0, cut));
      n += sse.feed(Arrays.copyOfRange(all, cut, all.length));
      n += sse.finish();
      assertThat(n).as("split at byte %d", cut).isEqualTo(3);
      assertThat(sse.events()).as("split at byte %d", cut).isEqualTo(7);
    }
  }

  @Test
  void countsAnEventWhenItsBlankLineArrivesNotBefore() {
    SseCounter sse = new SseCounter();
    byte[] event =
        "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n".getBytes(StandardCharsets.UTF_8);
    assertThat(sse.feed(event)).isZero();
    assertThat(sse.feed("\n".getBytes(StandardCharsets.UTF_8))).isEqualTo(1);
  }

  @Test
  void fedOneByteAtATimeStillCountsEveryEvent() {
    SseCounter sse = new SseCounter();
    int n = 0;
    for (byte b : STREAM.getBytes(StandardCharsets.UTF_8)) {
      n += sse.feed(new byte[] {b});
    }
    assertThat(n).isEqualTo(3);
  }

  @Test
  void joinsMultiLineDataAndCountsAnUnterminatedLastEventAtFinish() {
    SseCounter sse = new SseCounter();
    String split = "data: {\"choices\":[{\"delta\":\ndata: {\"content\":\"x\"}}]}";
    assertThat(sse.feed(split.getBytes(StandardCharsets.UTF_8))).isZero();
    assertThat(sse.finish()).isEqualTo(1);
  }

  @Test
  void legacyCompletionTextCountsAndGarbageDoesNot() {
    SseCounter sse = new SseCounter();
    String s = "data: {\"choices\":[{\"text\":\"hi\"}]}\n\ndata: not json\n\n";
    assertThat(sse.feed(s.getBytes(StandardCharsets.UTF_8))).isEqualTo(1);
    assertThat(sse.events()).isEqualTo(2);
  }
}
