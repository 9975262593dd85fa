package dev.switchboard.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class Http1Test {

  private static String written(Consumer<ByteBuf> write) {
    ByteBuf out = Unpooled.buffer();
    try {
      write.accept(out);
      return out.toString(StandardCharsets.ISO_8859_1);
    } finally {
      out.release();
    }
  }

  @Test
  void chunkSizesAreWrittenInLowerCaseHexWithoutLeadingZeros() {
    assertThat(written(o -> Http1.chunkStart(o, 0))).isEqualTo("0\r\n");
    assertThat(written(o -> Http1.chunkStart(o, 15))).isEqualTo("f\r\n");
    assertThat(written(o -> Http1.chunkStart(o, 16))).isEqualTo("10\r\n");
    assertThat(written(o -> Http1.chunkStart(o, 4096))).isEqualTo("1000\r\n");
    assertThat(written(o -> Http1.chunkStart(o, Integer.MAX_VALUE))).isEqualTo("7fffffff\r\n");
    assertThat(written(Http1::lastChunk)).isEqualTo("0\r\n\r\n");
  }

  @Test
  void numbersInHeadersAreWrittenInDecimal() {
    for (long n : new long[] {0, 9, 10, 308, 1_000_000, Long.MAX_VALUE}) {
      assertThat(written(o -> Http1.header(o, "content-length", n))).isEqualTo("content-length: " + n + "\r\n");
    }
  }

  @Test
  void numbersGoAfterWhatIsAlreadyInTheBufferGrowingItWhenFull() {
    ByteBuf out = Unpooled.buffer(4, 64);
    try {
      out.writeBytes("abcd".getBytes(StandardCharsets.US_ASCII));
      Http1.chunkStart(out, 0x1a2b);
      Http1.header(out, "n", 1234567890123L);
      assertThat(out.toString(StandardCharsets.ISO_8859_1)).isEqualTo("abcd1a2b\r\nn: 1234567890123\r\n");
    } finally {
      out.release();
    }
  }

  @Test
  void ourOwnStatusLinesCarryTheStandardReason() {
    assertThat(written(o -> Http1.statusLine(o, 429))).isEqualTo("HTTP/1.1 429 Too Many Requests\r\n");
    assertThat(written(o -> Http1.requestLine(o, "POST", "/v1/completions?x=1")))
        .isEqualTo("POST /v1/completions?x=1 HTTP/1.1\r\n");
  }

  @Test
  void headerValuesKeepTheirLatin1Bytes() {
    assertThat(written(o -> Http1.header(o, "x-name", "caf\u00e9")).getBytes(StandardCharsets.ISO_8859_1))
        .endsWith((byte) 0xe9, (byte) '\r', (byte) '\n');
  }
}
