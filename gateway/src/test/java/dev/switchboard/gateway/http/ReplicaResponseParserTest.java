package dev.switchboard.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicaResponseParserTest {

  /** Records what the parser hands over: heads, the body's bytes, and how many times it ended. */
  private static final class Recorder implements ReplicaResponseParser.Handler {
    final List<ReplicaResponse> heads = new ArrayList<>();
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    final List<ByteBuf> pieces = new ArrayList<>();
    int ends;

    @Override
    public void head(ReplicaResponse head) {
      heads.add(head);
    }

    @Override
    public void body(ByteBuf piece) {
      assertThat(piece.isReadable()).as("pieces are never empty").isTrue();
      byte[] bytes = new byte[piece.readableBytes()];
      piece.getBytes(piece.readerIndex(), bytes);
      body.writeBytes(bytes);
      pieces.add(piece);
    }

    @Override
    public void end() {
      ends++;
    }

    String bodyText() {
      return body.toString(StandardCharsets.ISO_8859_1);
    }

    void releasePieces() {
      pieces.forEach(ByteBuf::release);
    }
  }

  private final Recorder recorder = new Recorder();

  /** The reason phrase as it would be relayed. */
  private static String reason(ReplicaResponse head) {
    ByteBuf out = Unpooled.buffer();
    head.writeReason(out);
    String text = out.toString(StandardCharsets.ISO_8859_1);
    out.release();
    return text;
  }

  /** The header lines as they would be relayed, without their line breaks. */
  private static List<String> headerLines(ReplicaResponse head) {
    ByteBuf out = Unpooled.buffer();
    head.writeHeaders(out);
    String text = out.toString(StandardCharsets.ISO_8859_1);
    out.release();
    return text.isEmpty() ? List.of() : List.of(text.substring(0, text.length() - 2).split("\r\n", -1));
  }
  private final ReplicaResponseParser parser = new ReplicaResponseParser(recorder);

  /** Feeds {@code text} in pieces of {@code step} bytes, as reads might split it; returns what was left. */
  private String feed(String text, int step) throws Exception {
    parser.expectAnswer();
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    StringBuilder left = new StringBuilder();
    for (int i = 0; i < bytes.length; i += step) {
      ByteBuf in = Unpooled.wrappedBuffer(bytes, i, Math.min(step, bytes.length - i));
      parser.feed(in);
      left.append(in.toString(StandardCharsets.ISO_8859_1));
      in.release();
    }
    return left.toString();
  }

  @Test
  void aLengthDelimitedAnswerIsReadWithItsHeadAndBodyUntouched() throws Exception {
    String left =
        feed(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\nX-Request-Id:abc\r\n\r\n"
                + "{\"ok\":true}",
            1 << 20);
    assertThat(left).isEmpty();
    ReplicaResponse head = recorder.heads.get(0);
    assertThat(head.status()).isEqualTo(200);
    assertThat(reason(head)).isEqualTo("OK");
    assertThat(head.contentLength()).isEqualTo(11);
    assertThat(head.keepAlive()).isTrue();
    assertThat(head.eventStream()).isFalse();
    assertThat(headerLines(head))
        .as("framing headers are the gateway's to write; the rest pass on as they came")
        .containsExactly("Content-Type: application/json", "X-Request-Id:abc");
    assertThat(recorder.bodyText()).isEqualTo("{\"ok\":true}");
    assertThat(recorder.ends).isEqualTo(1);
    assertThat(parser.idle()).isTrue();
    recorder.releasePieces();
  }

  @Test
  void anAnswerSplitAtEveryByteReadsTheSameAsOneInOnePiece() throws Exception {
    String chunked =
        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
            + chunk("", "data: {\"a\":1}\n\n")
            + chunk(";ext=1", "data: {\"b\":2}\n\ndata: [DON")
            + chunk(" ", "E]\n\n")
            + "0\r\nx-trailer: t\r\n\r\n";
    for (int step : new int[] {1, 2, 3, 7, 64, 1 << 20}) {
      Recorder r = new Recorder();
      ReplicaResponseParser p = new ReplicaResponseParser(r);
      p.expectAnswer();
      byte[] bytes = chunked.getBytes(StandardCharsets.ISO_8859_1);
      for (int i = 0; i < bytes.length; i += step) {
        ByteBuf in = Unpooled.wrappedBuffer(bytes, i, Math.min(step, bytes.length - i));
        p.feed(in);
        assertThat(in.isReadable()).isFalse();
        in.release();
      }
      assertThat(r.heads).hasSize(1);
      assertThat(r.heads.get(0).eventStream()).isTrue();
      assertThat(r.heads.get(0).contentLength()).as("no length: the client's hop is framed anew").isEqualTo(-1);
      assertThat(r.bodyText()).as("step " + step).isEqualTo("data: {\"a\":1}\n\ndata: {\"b\":2}\n\ndata: [DONE]\n\n");
      assertThat(r.ends).isEqualTo(1);
      r.releasePieces();
    }
  }

  private static String chunk(String extension, String data) {
    return Integer.toHexString(data.length()).toUpperCase() + extension + "\r\n" + data + "\r\n";
  }

  @Test
  void bytesPastTheEndOfTheAnswerAreLeftUnread() throws Exception {
    String left = feed("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiHTTP/1.1 200 OK\r\n", 1 << 20);
    assertThat(recorder.bodyText()).isEqualTo("hi");
    assertThat(left).isEqualTo("HTTP/1.1 200 OK\r\n");
    recorder.releasePieces();
  }

  @Test
  void interimAnswersAreSkippedForTheFinalOne() throws Exception {
    feed("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", 5);
    assertThat(recorder.heads).extracting(ReplicaResponse::status).containsExactly(201);
    assertThat(recorder.ends).isEqualTo(1);
  }

  @Test
  void answersWithoutABodyEndAtTheirHead() throws Exception {
    feed("HTTP/1.1 204 No Content\r\n\r\n", 1 << 20);
    assertThat(recorder.heads.get(0).hasBody()).isFalse();
    assertThat(recorder.ends).isEqualTo(1);
    assertThat(parser.idle()).isTrue();
  }

  @Test
  void aBodyWithoutLengthRunsToTheCloseAndTheConnectionIsNotKept() throws Exception {
    feed("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it", 4);
    assertThat(recorder.heads.get(0).keepAlive()).isFalse();
    assertThat(recorder.ends).isZero();
    assertThat(parser.closed()).as("the close ends the body").isTrue();
    assertThat(recorder.ends).isEqualTo(1);
    assertThat(recorder.bodyText()).isEqualTo("all of it");
    recorder.releasePieces();
  }

  @Test
  void aCloseBeforeALengthDelimitedBodyIsCompleteIsNotAnEnd() throws Exception {
    feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", 1 << 20);
    assertThat(parser.closed()).isFalse();
    assertThat(recorder.ends).isZero();
    recorder.releasePieces();
  }

  @Test
  void connectionCloseAndHttp10AreHonoured() throws Exception {
    feed("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", 1 << 20);
    feed("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", 1 << 20);
    feed("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n", 1 << 20);
    assertThat(recorder.heads).extracting(ReplicaResponse::keepAlive).containsExactly(false, false, true);
    assertThat(headerLines(recorder.heads.get(0))).as("hop-by-hop headers are not passed on").isEmpty();
  }

  @Test
  void chunkedWinsOverAContentLength() throws Exception {
    feed("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n", 3);
    assertThat(recorder.bodyText()).isEqualTo("hi");
    assertThat(recorder.heads.get(0).contentLength()).isEqualTo(-1);
    assertThat(recorder.ends).isEqualTo(1);
    recorder.releasePieces();
  }

  @Test
  void aTransferCodingOtherThanChunkedRunsToTheClose() throws Exception {
    feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nzz", 1 << 20);
    assertThat(recorder.heads.get(0).keepAlive()).isFalse();
    assertThat(parser.closed()).isTrue();
    recorder.releasePieces();
  }

  @Test
  void malformedAnswersAreRefusedNamingWhatIsWrong() {
    assertMalformed("HTTP/2 200 OK\r\n\r\n", "bad status line");
    assertMalformed("HTTP/1.1 2x0 OK\r\n\r\n", "bad status code");
    assertMalformed("HTTP/1.1 200 OK\r\nContent-Length: 1O\r\n\r\n", "bad content-length");
    assertMalformed("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "conflicting content-length");
    assertMalformed("HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\n\r\n", "folded header line");
    assertMalformed("HTTP/1.1 200 OK\r\nX-A : 1\r\n\r\n", "bad header name");
    assertMalformed("HTTP/1.1 200 OK\r\nnocolon\r\n\r\n", "bad header line");
    assertMalformed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "bad chunk size");
    assertMalformed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhello\r\n", "longer than its size");
    assertMalformed("HTTP/1.1 101 Switching Protocols\r\n\r\n", "switched protocols");
    assertMalformed("HTTP/1.1 200 OK\r\nX-A: 1\rSet-Cookie: injected\r\n\r\n", "control character in the header line");
    assertMalformed("HTTP/1.1 200 OK\r\nX-A: a\u0000b\r\n\r\n", "control character in the header line");
    assertMalformed("HTTP/1.1 200 O\rK\r\n\r\n", "control character in the status line");
    assertMalformed("HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(ReplicaResponseParser.MAX_HEAD_BYTES) + "\r\n\r\n", "longer than");
  }

  private void assertMalformed(String text, String message) {
    Recorder r = new Recorder();
    ReplicaResponseParser p = new ReplicaResponseParser(r);
    p.expectAnswer();
    ByteBuf in = Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
    try {
      assertThatThrownBy(() -> p.feed(in))
          .isInstanceOf(MalformedHttp.class)
          .hasMessageContaining(message);
    } finally {
      in.release();
      r.releasePieces();
    }
  }

  @Test
  void tabsAndLatin1BytesInHeaderValuesPassOnAsTheyCame() throws Exception {
    feed("HTTP/1.1 200 OK\r\nX-A: a\tb \u00e9\r\nContent-Length: 0\r\n\r\n", 1 << 20);
    assertThat(headerLines(recorder.heads.get(0))).containsExactly("X-A: a\tb \u00e9");
  }

  @Test
  void bareLineFeedsAreAccepted() throws Exception {
    feed("HTTP/1.1 200 OK\nContent-Length: 2\n\nok", 1 << 20);
    assertThat(recorder.bodyText()).isEqualTo("ok");
    recorder.releasePieces();
  }

  @Test
  void bodyPiecesShareTheReadBuffersInsteadOfCopyingThem() throws Exception {
    parser.expectAnswer();
    ByteBuf in = Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody", StandardCharsets.US_ASCII);
    parser.feed(in);
    ByteBuf piece = recorder.pieces.get(0);
    assertThat(piece.unwrap()).isSameAs(in);
    assertThat(in.refCnt()).as("the piece holds its own reference").isEqualTo(2);
    in.release();
    recorder.releasePieces();
    assertThat(in.refCnt()).isZero();
  }
}
