package dev.switchboard.bench;

import dev.switchboard.gateway.http.Http1;
import dev.switchboard.gateway.http.ReplicaResponse;
import dev.switchboard.gateway.http.ReplicaResponseParser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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
 * Relaying one replica answer to a client, the codec's part only: read the answer from the bytes a
 * socket read gives (a native buffer of Netty's default allocator), then write the client's head
 * and body. The answer is the proxy benchmark's: nginx's head and a 308-byte chat completion.
 *
 * <p>{@code proxyOwnHttp1}: the data plane's {@link ReplicaResponseParser} and {@link Http1}, as
 * its connections to replicas and to clients use them (the body copied in behind the head).
 * {@code baselineNettyCodec}: what the data plane did before, Netty's {@link HttpResponseDecoder},
 * the hop-by-hop headers removed from its header map, a new response object, and Netty's
 * {@link HttpResponseEncoder}. Both run in an embedded channel, each handler a
 * pipeline step as in the gateway. {@code baselineReadOnly} is the floor both pay: the socket
 * read's buffer filled, passed through one pipeline step and released.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ReplicaAnswerRelayBenchmark {
  private static final String BODY = UsageSnifferBenchmark.COMPLETION;
  private static final byte[] ANSWER =
      ("HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Fri, 27 Nov 2026 20:59:19 GMT\r\n"
              + "Content-Type: application/json\r\nContent-Length: " + BODY.length() + "\r\nConnection: keep-alive\r\n\r\n"
              + BODY)
          .getBytes(StandardCharsets.US_ASCII);

  private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;

  // The data plane's own HTTP/1.1.
  private EmbeddedChannel own;
  private ReplicaResponse head;
  private ByteBuf toClient;

  // The floor both pay: a buffer read from the socket, through a pipeline step, released.
  private EmbeddedChannel floor;

  // Netty's codec.
  private EmbeddedChannel decoder;
  private EmbeddedChannel encoder;

  @Setup
  public void setUp() {
    ReplicaResponseParser parser =
        new ReplicaResponseParser(
            new ReplicaResponseParser.Handler() {
              @Override
              public void head(ReplicaResponse h) {
                head = h;
              }

              @Override
              public void body(ByteBuf piece) {
                ByteBuf out = alloc.directBuffer(512);
                Http1.statusLine(out, head);
                head.writeHeaders(out);
                Http1.header(out, HttpHeaderNames.CONTENT_LENGTH, head.contentLength());
                Http1.endOfHead(out);
                out.writeBytes(piece);
                piece.release();
                toClient = out;
              }

              @Override
              public void end() {}
            });
    own =
        new EmbeddedChannel(
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
                ByteBuf in = (ByteBuf) msg;
                try {
                  parser.expectAnswer();
                  parser.feed(in);
                } finally {
                  in.release();
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
    decoder = new EmbeddedChannel(new HttpResponseDecoder());
    encoder = new EmbeddedChannel(new HttpResponseEncoder());
  }

  @TearDown
  public void tearDown() {
    own.finishAndReleaseAll();
    floor.finishAndReleaseAll();
    decoder.finishAndReleaseAll();
    encoder.finishAndReleaseAll();
  }

  private ByteBuf socketRead() {
    ByteBuf in = alloc.directBuffer(ANSWER.length);
    in.writeBytes(ANSWER);
    return in;
  }

  @Benchmark
  public int proxyOwnHttp1() {
    own.writeInbound(socketRead());
    int n = toClient.readableBytes();
    toClient.release();
    return n;
  }

  @Benchmark
  public boolean baselineReadOnly() {
    return floor.writeInbound(socketRead());
  }

  @Benchmark
  public int baselineNettyCodec() {
    decoder.writeInbound(socketRead());
    List<Object> out = new ArrayList<>(2);
    for (Object m; (m = decoder.readInbound()) != null; ) {
      out.add(m);
    }
    HttpResponse response = (HttpResponse) out.get(0);
    HttpHeaders h = response.headers();
    h.remove(HttpHeaderNames.CONNECTION);
    encoder.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, response.status(), h));
    for (int i = 1; i < out.size(); i++) {
      encoder.write(out.get(i));
    }
    encoder.flush();
    int n = 0;
    for (Object m; (m = encoder.readOutbound()) != null; ) {
      n += ((ByteBuf) m).readableBytes();
      ReferenceCountUtil.release(m);
    }
    return n;
  }
}
