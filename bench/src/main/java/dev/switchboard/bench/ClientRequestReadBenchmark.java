package dev.switchboard.bench;

import dev.switchboard.gateway.http.ClientRequest;
import dev.switchboard.gateway.http.ClientRequestParser;
import dev.switchboard.gateway.http.Http1;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reading one client request and writing the head of the request to the replica, the codec's part
 * only: the request arrives in one socket read (a native buffer of Netty's default allocator), its
 * body is gathered in a heap buffer, and the upstream head carries the client's headers less those
 * not forwarded. The request is the proxy benchmark's: h2load's headers and a chat completion.
 *
 * <p>{@code proxyOwnParser}: the data plane's {@link ClientRequestParser}, as its client
 * connections and exchanges use it. {@code baselineNettyDecoder}: what the data plane did before,
 * Netty's {@link HttpRequestDecoder} (a header map, a message per piece) in front of a handler
 * that gathers the body, then the header map walked to write the upstream head.
 * {@code baselineReadOnly} is the floor both pay: the socket read's buffer filled, passed through
 * one pipeline step and released.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ClientRequestReadBenchmark {
  private static final String BODY =
      "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello in one short sentence.\"}],"
          + "\"max_tokens\":16}";
  private static final byte[] REQUEST =
      ("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:18003\r\nUser-Agent: h2load nghttp2/1.52.0\r\n"
              + "Accept: */*\r\nAuthorization: Bearer sk-bench-0123456789abcdef\r\n"
              + "Content-Type: application/json\r\nContent-Length: " + BODY.length() + "\r\n\r\n" + BODY)
          .getBytes(StandardCharsets.US_ASCII);
  private static final AsciiString POST = AsciiString.cached("POST");
  private static final AsciiString HOST = AsciiString.cached("127.0.0.1:9001");
  /** The names the data plane did not forward before (the gateway's own, and hop-by-hop ones). */
  private static final List<AsciiString> NOT_FORWARDED =
      List.of(HttpHeaderNames.HOST, HttpHeaderNames.EXPECT, HttpHeaderNames.AUTHORIZATION,
          HttpHeaderNames.CONTENT_LENGTH, HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE,
          HttpHeaderNames.TE, HttpHeaderNames.TRAILER, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.UPGRADE,
          HttpHeaderNames.PROXY_AUTHENTICATE, HttpHeaderNames.PROXY_AUTHORIZATION);

  private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
  private EmbeddedChannel own;
  private EmbeddedChannel netty;
  private EmbeddedChannel floor;
  /** What each run made: the upstream head (released next run), and the key read. */
  private ByteBuf upstream;
  private String key;

  @Setup
  public void setUp() {
    ClientRequestParser parser = new ClientRequestParser();
    own =
        new EmbeddedChannel(
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
                ByteBuf in = (ByteBuf) msg;
                try {
                  ClientRequest r = parser.head(in);
                  ByteBuf body = alloc.heapBuffer((int) r.contentLength());
                  parser.body(in, (b, n) -> body.writeBytes(b, n));
                  key = r.authorization();
                  ByteBuf out = alloc.directBuffer(512 + body.readableBytes());
                  Http1.requestLine(out, POST, r.uri());
                  Http1.header(out, HttpHeaderNames.HOST, HOST);
                  r.writeForwardedHeaders(out);
                  Http1.header(out, HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
                  Http1.endOfHead(out);
                  out.writeBytes(body);
                  body.release();
                  done(out);
                } finally {
                  in.release();
                }
              }
            });
    netty =
        new EmbeddedChannel(
            new HttpRequestDecoder(),
            new ChannelInboundHandlerAdapter() {
              private HttpRequest request;
              private ByteBuf body;

              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof HttpRequest r) {
                  request = r;
                  HttpUtil.isKeepAlive(r);
                  HttpUtil.is100ContinueExpected(r);
                  key = r.headers().get(HttpHeaderNames.AUTHORIZATION);
                  body = alloc.heapBuffer((int) HttpUtil.getContentLength(r, 1024L));
                }
                if (msg instanceof HttpContent c) {
                  body.writeBytes(c.content());
                  c.release();
                  if (c instanceof LastHttpContent) {
                    ByteBuf out = alloc.directBuffer(512 + body.readableBytes());
                    Http1.requestLine(out, POST, request.uri());
                    Http1.header(out, HttpHeaderNames.HOST, HOST);
                    Iterator<Map.Entry<CharSequence, CharSequence>> it = request.headers().iteratorCharSequence();
                    while (it.hasNext()) {
                      Map.Entry<CharSequence, CharSequence> h = it.next();
                      if (!notForwarded(h.getKey())) {
                        Http1.header(out, h.getKey(), h.getValue());
                      }
                    }
                    Http1.header(out, HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
                    Http1.endOfHead(out);
                    out.writeBytes(body);
                    body.release();
                    done(out);
                  }
                }
              }
            });
    floor =
        new EmbeddedChannel(
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ReferenceCountUtil.release(msg);
              }
            });
  }

  private static boolean notForwarded(CharSequence name) {
    for (AsciiString n : NOT_FORWARDED) {
      if (n.contentEqualsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  private void done(ByteBuf out) {
    if (upstream != null) {
      upstream.release();
    }
    upstream = out;
  }

  private ByteBuf socketRead() {
    ByteBuf in = alloc.directBuffer(2048);
    in.writeBytes(REQUEST);
    return in;
  }

  @Benchmark
  public int proxyOwnParser() {
    own.writeInbound(socketRead());
    return upstream.readableBytes() + key.length();
  }

  @Benchmark
  public int baselineNettyDecoder() {
    netty.writeInbound(socketRead());
    return upstream.readableBytes() + key.length();
  }

  @Benchmark
  public int baselineReadOnly() {
    floor.writeInbound(socketRead());
    return 0;
  }

  @TearDown
  public void tearDown() {
    done(null);
    own.finishAndReleaseAll();
    netty.finishAndReleaseAll();
    floor.finishAndReleaseAll();
  }
}
