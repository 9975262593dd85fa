package dev.switchboard.gateway.openai;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class UsageSnifferTest {

  /** Where a response's bytes may sit: a heap array (at its start or not) or native memory. */
  enum Memory {
    HEAP(bytes -> Unpooled.wrappedBuffer(bytes)),
    HEAP_INSIDE_A_LARGER_ARRAY(
        bytes -> {
          byte[] larger = new byte[bytes.length + 7];
          System.arraycopy(bytes, 0, larger, 3, bytes.length);
          return Unpooled.wrappedBuffer(larger, 3, bytes.length);
        }),
    NATIVE(
        bytes -> {
          ByteBuf direct = Unpooled.directBuffer(bytes.length + 5);
          // Read from a reader index past 0, as a buffer sliced by the HTTP codec would be.
          direct.writeBytes(new byte[] {'x', 'x', 'x', 'x', 'x'}).writeBytes(bytes).skipBytes(5);
          return direct;
        });

    final Function<byte[], ByteBuf> wrap;

    Memory(Function<byte[], ByteBuf> wrap) {
      this.wrap = wrap;
    }
  }

  private static long sniff(Memory memory, String... pieces) {
    UsageSniffer s = new UsageSniffer();
    for (String p : pieces) {
      ByteBuf buf = memory.wrap.apply(p.getBytes(StandardCharsets.UTF_8));
      int readerIndex = buf.readerIndex();
      s.accept(buf);
      assertThat(buf.readerIndex()).as("the sniffer reads without consuming").isEqualTo(readerIndex);
      buf.release();
    }
    return s.totalTokens();
  }

  private static long sniff(String... pieces) {
    long heap = sniff(Memory.HEAP, pieces);
    assertThat(sniff(Memory.HEAP_INSIDE_A_LARGER_ARRAY, pieces)).isEqualTo(heap);
    assertThat(sniff(Memory.NATIVE, pieces)).isEqualTo(heap);
    return heap;
  }

  @ParameterizedTest
  @EnumSource(Memory.class)
  void readsAUsageCutAcrossTheScratchArraysSlices(Memory memory) {
    // Native memory is read in slices of 8 KiB: put the key and its number across a slice's end.
    String usage = "\"prompt_tokens\": 321, \"completion_tokens\":654}";
    for (int start = 8192 - usage.length(); start <= 8192; start++) {
      String body = "{\"pad\":\"" + "a".repeat(start - 10) + "\"," + usage;
      assertThat(body.indexOf("\"prompt_tokens")).isEqualTo(start);
      assertThat(sniff(memory, body)).as("usage at %d", start).isEqualTo(975);
    }
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

  @Test
  void findsTheFirstUnderscoreAtEveryPositionOfAnEightByteWord() {
    // Bytes that differ from '_' by one bit, or by one: naive zero-byte tests take them for it.
    byte[] nearUnderscores = {'^', '`', (byte) ('_' | 0x80), 'O'};
    for (int length = 0; length <= 24; length++) {
      for (int at = 0; at <= length; at++) {
        byte[] bytes = "abcdefghijklmnopqrstuvwxyz".substring(0, length).getBytes(StandardCharsets.US_ASCII);
        for (int before = 0; before < at; before++) {
          bytes[before] = nearUnderscores[before % nearUnderscores.length];
        }
        if (at < length) {
          bytes[at] = '_';
          if (at + 1 < length) {
            bytes[at + 1] = '_';
          }
        }
        assertThat(UsageSniffer.indexOf(bytes, 0, length, UsageSniffer.UNDERSCORES))
            .as("underscore at %d of %d", at, length)
            .isEqualTo(at);
      }
    }
  }

  @Test
  void aKeyCutAtAnyByteOfAnyPieceIsFound() {
    String body = "{\"finish_reason\":\"stop\"},\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":14,\"total_tokens\":26}}";
    for (int a = 1; a < body.length(); a++) {
      for (int b = a + 1; b < body.length(); b++) {
        assertThat(sniff(body.substring(0, a), body.substring(a, b), body.substring(b))).as("cut at %d and %d", a, b).isEqualTo(26);
      }
    }
  }
}
