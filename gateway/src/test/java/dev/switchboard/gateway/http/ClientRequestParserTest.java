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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClientRequestParserTest {
  private static final String CHAT =
      "POST /v1/chat/completions?x=1 HTTP/1.1\r\n"
          + "Host: gw\r\n"
          + "Authorization: Bearer sk-a\r\n"
          + "Content-Type: application/json\r\n"
          + "Content-Length: 5\r\n"
          + "Connection: keep-alive\r\n"
          + "Expect: 100-continue\r\n"
          + "TE: trailers\r\n"
          + "X-Request-Id:  r-1 \r\n"
          + "\r\n";

  private final ClientRequestParser parser = new ClientRequestParser();

  /** What was read from some bytes: the requests' heads and each body as text. */
  private record Read(List<ClientRequest> heads, List<String> bodies, String left) {}

  /** Feeds {@code pieces} in turn, reading every request in them, as the connection does. */
  private Read read(String... pieces) throws MalformedHttp {
    List<ClientRequest> heads = new ArrayList<>();
    List<String> bodies = new ArrayList<>();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    ByteBuf unread = Unpooled.buffer();
    boolean inBody = false;
    for (String piece : pieces) {
      unread.writeBytes(piece.getBytes(StandardCharsets.ISO_8859_1));
      while (true) {
        if (!inBody) {
          ClientRequest r = parser.head(unread);
          if (r == null) {
            break;
          }
          heads.add(r);
          inBody = true;
        }
        boolean done =
            parser.body(
                unread,
                (in, n) -> {
                  assertThat(n).isPositive();
                  byte[] bytes = new byte[n];
                  in.readBytes(bytes);
                  body.writeBytes(bytes);
                });
        if (!done) {
          break;
        }
        bodies.add(body.toString(StandardCharsets.ISO_8859_1));
        body.reset();
        inBody = false;
      }
    }
    String left = unread.toString(StandardCharsets.ISO_8859_1);
    unread.release();
    return new Read(heads, bodies, left);
  }

  private static String forwarded(ClientRequest r) {
    ByteBuf out = Unpooled.buffer();
    r.writeForwardedHeaders(out);
    String text = out.toString(StandardCharsets.ISO_8859_1);
    out.release();
    return text;
  }

  @Test
  void readsTheFieldsTheGatewayUsesAndForwardsTheOtherHeadersAsSent() throws Exception {
    Read read = read(CHAT + "hello");
    ClientRequest r = read.heads().get(0);
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.isPost()).isTrue();
    assertThat(r.uri()).isEqualTo("/v1/chat/completions?x=1");
    assertThat(r.path()).isEqualTo("/v1/chat/completions");
    assertThat(r.http11()).isTrue();
    assertThat(r.keepAlive()).isTrue();
    assertThat(r.expectContinue()).isTrue();
    assertThat(r.contentLength()).isEqualTo(5);
    assertThat(r.chunked()).isFalse();
    assertThat(r.authorization()).isEqualTo("Bearer sk-a");
    assertThat(read.bodies()).containsExactly("hello");
    // Host, the key, the length, expect and the hop-by-hop ones are the gateway's own to set.
    assertThat(forwarded(r)).isEqualTo("Content-Type: application/json\r\nX-Request-Id:  r-1 \r\n");
  }

  @Test
  void aRequestSplitAtAnyByteReadsTheSame() throws Exception {
    String text =
        CHAT.replace("Content-Length: 5\r\n", "Transfer-Encoding: chunked\r\n")
            + "2;ext=1\r\nhe\r\n3\r\nllo\r\n0\r\nX-Trailer: t\r\n\r\n"
            + "GET /v1/models HTTP/1.1\r\nHost: gw\r\n\r\n";
    for (int cut = 1; cut < text.length(); cut++) {
      Read read = read(text.substring(0, cut), text.substring(cut));
      assertThat(read.bodies()).as("cut at %d", cut).containsExactly("hello", "");
      assertThat(read.heads().get(0).chunked()).isTrue();
      assertThat(read.heads().get(0).contentLength()).isEqualTo(-1);
      assertThat(read.heads().get(1).path()).isEqualTo("/v1/models");
      assertThat(read.left()).isEmpty();
    }
  }

  @Test
  void bytesPastABodyBelongToTheNextRequest() throws Exception {
    Read read = read(CHAT + "helloPOST /v1/completions HTTP/1.1\r\nHost: gw\r\nContent-Le", "ngth: 2\r\n\r\nhi");
    assertThat(read.bodies()).containsExactly("hello", "hi");
    assertThat(read.heads().get(1).path()).isEqualTo("/v1/completions");
  }

  @Test
  void keepAliveFollowsTheVersionAndTheConnectionHeader() throws Exception {
    assertThat(head("GET / HTTP/1.1\r\nHost: a\r\n\r\n").keepAlive()).isTrue();
    assertThat(head("GET / HTTP/1.1\r\nHost: a\r\nConnection: Close\r\n\r\n").keepAlive()).isFalse();
    assertThat(head("GET / HTTP/1.0\r\n\r\n").keepAlive()).isFalse();
    assertThat(head("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").keepAlive()).isTrue();
    assertThat(head("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n").keepAlive()).isFalse();
    assertThat(head("GET / HTTP/1.0\r\n\r\n").http11()).isFalse();
  }

  @Test
  void headersNamedByTheConnectionHeaderAreNotForwarded() throws Exception {
    ClientRequest r =
        head("GET / HTTP/1.1\r\nHost: a\r\nX-Hop: 1\r\nX-Kept: 2\r\nConnection: keep-alive, x-hop\r\n\r\n");
    assertThat(forwarded(r)).isEqualTo("X-Kept: 2\r\n");
  }

  @Test
  void anAbsoluteFormTargetIsReadAsItsPathAndQuery() throws Exception {
    assertThat(head("GET http://gw:8080/v1/models?a=b HTTP/1.1\r\nHost: gw\r\n\r\n").uri()).isEqualTo("/v1/models?a=b");
    assertThat(head("GET http://gw HTTP/1.1\r\nHost: gw\r\n\r\n").uri()).isEqualTo("/");
    assertThat(head("GET http://gw?a=b HTTP/1.1\r\nHost: gw\r\n\r\n").uri()).isEqualTo("/?a=b");
  }

  @Test
  void emptyLinesBeforeARequestAndBareLineFeedsAreAccepted() throws Exception {
    ClientRequest r = head("\r\n\r\nGET /v1/models HTTP/1.1\nHost: a\nX-A: 1\n\n");
    assertThat(r.path()).isEqualTo("/v1/models");
    assertThat(forwarded(r)).isEqualTo("X-A: 1\r\n");
  }

  @Test
  void identicalRepeatedLengthsAreOneLength() throws Exception {
    assertThat(head("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n").contentLength())
        .isEqualTo(3);
    assertThat(head("POST / HTTP/1.1\r\nHost: a\r\n\r\n").contentLength()).isZero();
  }

  @ParameterizedTest(name = "{2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 3\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n | 400 | both content-length and transfer-encoding",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 3\\r\\nContent-Length: 4\\r\\n\\r\\n | 400 | conflicting content-length",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 3, 3\\r\\n\\r\\n | 400 | bad content-length `3, 3`",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: +3\\r\\n\\r\\n | 400 | bad content-length `+3`",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 99999999999999999999\\r\\n\\r\\n | 400 | bad content-length",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: gzip, chunked\\r\\n\\r\\n | 501 | `gzip, chunked` is not supported",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n | 400 | more than one transfer-encoding",
        "POST / HTTP/1.0\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n | 400 | transfer-encoding in an HTTP/1.0 request",
        "GET / HTTP/1.1\\r\\nHost: a\\r\\nX-A: 1\\r\\n  folded\\r\\n\\r\\n | 400 | folded header line",
        "GET / HTTP/1.1\\r\\nHost: a\\r\\nX-A : 1\\r\\n\\r\\n | 400 | bad header name in `X-A : 1`",
        "GET / HTTP/1.1\\r\\nHost: a\\r\\n: 1\\r\\n\\r\\n | 400 | bad header line",
        "GET / HTTP/1.1\\r\\nHost: a\\r\\nno colon\\r\\n\\r\\n | 400 | bad header name",
        "GET / HTTP/1.1\\r\\nHost: a\\r\\nX-A: 1\\rX-Smuggled: 2\\r\\n\\r\\n | 400 | control character in the header line",
        "GET / HTTP/1.1\\r\\nHost: a\\r\\nX-A: 1\\u0000\\r\\n\\r\\n | 400 | control character in the header line",
        "GET /a\\rb HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n | 400 | bad request line",
        "GET  / HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n | 400 | bad request line",
        "G(T / HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n | 400 | bad request line",
        "GET / HTTP/1.1 \\r\\nHost: a\\r\\n\\r\\n | 400 | bad request line",
        "GET / HTTP/2.0\\r\\nHost: a\\r\\n\\r\\n | 505 | HTTP version `HTTP/2.0` is not supported",
        "GET / HTTP/1.1\\r\\n\\r\\n | 400 | without a host header",
        "GET / HTTP/1.1\\r\\nHost: a\\r\\nHost: b\\r\\n\\r\\n | 400 | more than one host",
        "GET / HTTP/1.1\\r\\nHost: a\\r\\nAuthorization: Bearer x\\r\\nAuthorization: Bearer y\\r\\n\\r\\n | 400 | more than one authorization",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nz\\r\\n | 400 | bad chunk size",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n2\\r\\nabc\\r\\n | 400 | a chunk is longer than its size",
      })
  void framingThatCouldBeReadTwoWaysIsRefused(String text, int status, String message) {
    String request = text.replace("\\r", "\r").replace("\\n", "\n").replace("\\u0000", "\u0000");
    assertThatThrownBy(() -> read(request))
        .isInstanceOfSatisfying(MalformedHttp.class, e -> assertThat(e.status()).isEqualTo(status))
        .hasMessageContaining(message);
  }

  @Test
  void aHeadLongerThanTheLimitIsRefusedWith431() {
    String big = "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + "a".repeat(ClientRequestParser.MAX_HEAD_BYTES) + "\r\n\r\n";
    assertThatThrownBy(() -> read(big.substring(0, 9000), big.substring(9000)))
        .isInstanceOfSatisfying(MalformedHttp.class, e -> assertThat(e.status()).isEqualTo(431))
        .hasMessageContaining("longer than " + ClientRequestParser.MAX_HEAD_BYTES);
  }

  private ClientRequest head(String text) throws MalformedHttp {
    return read(text).heads().get(0);
  }
}
