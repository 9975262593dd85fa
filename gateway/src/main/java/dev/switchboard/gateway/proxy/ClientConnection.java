package dev.switchboard.gateway.proxy;

import dev.switchboard.core.ratelimit.RateDecision;
import dev.switchboard.gateway.auth.ApiKey;
import dev.switchboard.gateway.ratelimit.RateLimitHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Map;

/**
 * One client's connection to the data plane: reads its requests one at a time (bodies bounded),
 * hands each to the {@link LoopProxy}, and writes the answer. HTTP/1.1 keep-alive, with requests
 * pipelined behind an unfinished answer held until it is done.
 *
 * <p>Used only from its event loop.
 */
final class ClientConnection extends ChannelInboundHandlerAdapter {
  private enum State {
    /** Waiting for a request. */
    IDLE,
    /** Reading the body of a request that will be routed. */
    READING,
    /** The request was answered early (an error); the rest of its body is dropped. */
    DISCARDING,
    /** A whole request was read and its answer is not finished. */
    ANSWERING
  }

  private static final System.Logger LOG = System.getLogger(ClientConnection.class.getName());

  private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  /** Body pieces up to this size are copied behind what is waiting to be written. */
  private static final int COPY_MAX_BYTES = 2048;

  /** Pipelined messages held behind an unfinished answer; more closes the connection. */
  private static final int MAX_PIPELINED = 64;

  private final LoopProxy proxy;
  private final int maxBodyBytes;
  private ChannelHandlerContext ctx;
  private State state = State.IDLE;
  private HttpRequest request;
  private ApiKey key;
  private ByteBuf body;
  private ArrayDeque<Object> pipelined;

  /** The current answer: keep the connection after it, its head sent, it ended. */
  private boolean keepAlive;
  private boolean headWritten;
  private boolean chunked;
  private boolean ended = true;
  /** Headers decided before the answer (retry-after), added to whatever it is. */
  private HttpHeaders extraHeaders;
  /** The rate-limit decision whose headers go on the current answer, if limits apply. */
  private RateDecision rateDecision;
  private Exchange exchange;
  private boolean draining;
  /** The relayed answer's head and small pieces, gathered to go out in one write at the next flush. */
  private ByteBuf unsent;

  ClientConnection(LoopProxy proxy, int maxBodyBytes) {
    this.proxy = proxy;
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    proxy.opened(this);
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (state == State.ANSWERING || (pipelined != null && !pipelined.isEmpty())) {
      hold(msg);
      return;
    }
    handle(msg);
  }

  private void hold(Object msg) {
    if (pipelined == null) {
      pipelined = new ArrayDeque<>();
    }
    if (pipelined.size() >= MAX_PIPELINED) {
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    pipelined.add(msg);
  }

  private void handle(Object msg) {
    try {
      dispatch(msg);
    } catch (RuntimeException e) {
      // A fault of the gateway's own: answer 500 in OpenAI's shape if nothing went out yet, and
      // close, since the connection's state can no longer be trusted.
      LOG.log(System.Logger.Level.ERROR, "request handling failed", e);
      keepAlive = false;
      if (!headWritten && !ended()) {
        sendError(OpenAiError.INTERNAL, "The gateway failed to handle this request.", null);
      } else {
        ctx.close();
      }
    }
  }

  private void dispatch(Object msg) {
    if (msg instanceof HttpRequest req) {
      startRequest(req);
    }
    if (msg instanceof HttpContent content) {
      onContent(content);
    } else if (!(msg instanceof HttpRequest)) {
      ReferenceCountUtil.release(msg);
    }
  }

  private void startRequest(HttpRequest req) {
    request = req;
    keepAlive = HttpUtil.isKeepAlive(req) && !draining;
    headWritten = false;
    chunked = false;
    ended = false;
    extraHeaders = null;
    rateDecision = null;
    if (req.decoderResult().isFailure()) {
      keepAlive = false;
      state = State.DISCARDING;
      sendError(OpenAiError.BAD_REQUEST, "Malformed HTTP request: " + req.decoderResult().cause().getMessage(), null);
      return;
    }
    key = proxy.onRequest(this, req);
    if (key == null) {
      // Answered already (an error, or the model list).
      state = State.DISCARDING;
      return;
    }
    // Netty's decoder has refused a malformed Content-Length already (a decoder failure, above).
    long declared = HttpUtil.getContentLength(req, -1L);
    if (declared > maxBodyBytes) {
      tooLarge();
      return;
    }
    state = State.READING;
    // On the heap: its fields are parsed from its array, and the upstream request copies it anyway.
    body = ctx.alloc().heapBuffer(declared >= 0 ? (int) declared : 1024);
    if (HttpUtil.is100ContinueExpected(req)) {
      // Only now, after the key and the declared size passed: a refused client never sends its body.
      req.headers().remove(HttpHeaderNames.EXPECT);
      ctx.writeAndFlush(Unpooled.wrappedBuffer(CONTINUE), ctx.voidPromise());
    }
  }

  private void onContent(HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    switch (state) {
      case READING -> {
        ByteBuf piece = content.content();
        if (body.readableBytes() + piece.readableBytes() > maxBodyBytes) {
          content.release();
          tooLarge();
          return;
        }
        body.writeBytes(piece);
        content.release();
        if (content.decoderResult().isFailure()) {
          state = State.DISCARDING;
          keepAlive = false;
          releaseBody();
          sendError(OpenAiError.BAD_REQUEST, "Malformed HTTP request body.", null);
          return;
        }
        if (last) {
          state = State.ANSWERING;
          ByteBuf whole = body;
          body = null;
          proxy.route(this, request, key, whole);
        }
      }
      case DISCARDING -> {
        content.release();
        if (last) {
          state = ended ? State.IDLE : State.ANSWERING;
          if (ended) {
            afterAnswer();
          }
        }
      }
      default -> content.release();
    }
  }

  private void tooLarge() {
    // Close once the answer is out rather than read the rest of a huge body.
    releaseBody();
    state = State.DISCARDING;
    keepAlive = false;
    sendError(
        OpenAiError.TOO_LARGE, "The request body is larger than the limit of " + maxBodyBytes + " bytes.", null);
  }

  private void releaseUnsent() {
    if (unsent != null) {
      unsent.release();
      unsent = null;
    }
  }

  private void releaseBody() {
    if (body != null) {
      body.release();
      body = null;
    }
  }

  // --- The answer, written by the proxy and the exchange ---

  /** The exchange answering the current request, told when the client goes or can take more. */
  void attach(Exchange e) {
    exchange = e;
  }

  /**
   * The rate-limit headers of {@code decision} go on the current answer whatever it turns out to
   * be. They are written into the answer's own headers when it goes out, not gathered in
   * {@link #extraHeaders} first: that copy cost as much as the rate-limit decision.
   */
  void rateLimitHeaders(RateDecision decision) {
    rateDecision = decision;
  }

  /** Headers that go on the current answer whatever it turns out to be. */
  HttpHeaders extraHeaders() {
    if (extraHeaders == null) {
      extraHeaders = new DefaultHttpHeaders(false);
    }
    return extraHeaders;
  }

  ByteBufAllocator alloc() {
    return ctx.alloc();
  }

  /** The relayed answer goes chunked, so it can still end with a piece of our own. */
  boolean chunked() {
    return chunked;
  }

  /** The answer is complete, or can no longer be written. */
  boolean ended() {
    return ended || !ctx.channel().isActive();
  }

  boolean isWritable() {
    return ctx.channel().isWritable();
  }

  /** Answers with an OpenAI error, unless the answer has begun already. */
  void sendError(OpenAiError error, String message, String param) {
    if (headWritten || ended()) {
      return;
    }
    send(error.status(), error.json(message, param));
  }

  /** Answers with a JSON body. */
  void sendJson(int status, String json) {
    if (headWritten || ended()) {
      return;
    }
    send(status, json);
  }

  private void send(int status, String json) {
    byte[] content = json.getBytes(StandardCharsets.UTF_8);
    ByteBuf out = ctx.alloc().buffer(256 + content.length);
    Http1.statusLine(out, status);
    writeExtraHeaders(out);
    Http1.header(out, HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    Http1.header(out, HttpHeaderNames.CONTENT_LENGTH, content.length);
    connectionHeader(out);
    Http1.endOfHead(out);
    if (request == null || !HttpMethod.HEAD.equals(request.method())) {
      out.writeBytes(content);
    }
    headWritten = true;
    end(out);
  }

  /**
   * Writes the head of a relayed answer (not flushed). A body of known length passes as it is; one
   * without goes chunked to an HTTP/1.1 client, and to the close to an HTTP/1.0 one.
   */
  void writeHead(ReplicaResponse head) {
    ByteBuf out = ctx.alloc().buffer(512);
    Http1.statusLine(out, head);
    head.writeHeaders(out);
    writeExtraHeaders(out);
    if (head.contentLength() >= 0) {
      Http1.header(out, HttpHeaderNames.CONTENT_LENGTH, head.contentLength());
    } else if (head.hasBody()) {
      if (request.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
        Http1.header(out, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        chunked = true;
      } else {
        keepAlive = false;
      }
    }
    connectionHeader(out);
    Http1.endOfHead(out);
    headWritten = true;
    unsent = out;
  }

  private void writeExtraHeaders(ByteBuf out) {
    if (rateDecision != null) {
      RateLimitHeaders.forEach(rateDecision, (name, value) -> Http1.header(out, name, value));
    }
    if (extraHeaders != null) {
      for (Map.Entry<String, String> e : extraHeaders) {
        Http1.header(out, e.getKey(), e.getValue());
      }
    }
  }

  private void connectionHeader(ByteBuf out) {
    if (!keepAlive) {
      Http1.header(out, HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (!request.protocolVersion().isKeepAliveDefault()) {
      Http1.header(out, HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
  }

  /**
   * Writes a piece of a relayed body (not flushed); owns {@code piece}. A small piece is copied in
   * behind the head or the pieces before it, so that a short answer leaves in one buffer rather
   * than three or more, each a write of its own.
   */
  void writeBody(ByteBuf piece) {
    int n = piece.readableBytes();
    if (n <= COPY_MAX_BYTES) {
      ByteBuf out = unsent != null ? unsent : (unsent = ctx.alloc().buffer(n + 16));
      if (chunked) {
        Http1.chunkStart(out, n);
      }
      out.writeBytes(piece);
      piece.release();
      if (chunked) {
        Http1.chunkEnd(out);
      }
      return;
    }
    writeUnsent();
    if (chunked) {
      ByteBuf start = ctx.alloc().buffer(10);
      Http1.chunkStart(start, n);
      ctx.write(start, ctx.voidPromise());
      ctx.write(piece, ctx.voidPromise());
      ByteBuf end = ctx.alloc().buffer(2);
      Http1.chunkEnd(end);
      ctx.write(end, ctx.voidPromise());
    } else {
      ctx.write(piece, ctx.voidPromise());
    }
  }

  private void writeUnsent() {
    if (unsent != null) {
      ctx.write(unsent, ctx.voidPromise());
      unsent = null;
    }
  }

  /** Ends a relayed body. */
  void endBody() {
    ByteBuf out = unsent;
    unsent = null;
    if (chunked) {
      if (out == null) {
        out = ctx.alloc().buffer(5);
      }
      Http1.lastChunk(out);
    }
    end(out != null ? out : Unpooled.EMPTY_BUFFER);
  }

  /** Ends a relayed body with a last piece of the gateway's own. */
  void endWith(ByteBuf last) {
    writeBody(last);
    endBody();
  }

  void flush() {
    writeUnsent();
    ctx.flush();
  }

  /** Cuts the answer short: the connection closes, so the client sees a truncated body. */
  void abort() {
    releaseUnsent();
    ended = true;
    exchange = null;
    ctx.close();
  }

  private void end(ByteBuf last) {
    ended = true;
    exchange = null;
    if (keepAlive) {
      ctx.writeAndFlush(last, ctx.voidPromise());
      if (state == State.ANSWERING) {
        state = State.IDLE;
        afterAnswer();
      }
    } else {
      ctx.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** Picks up requests that were pipelined behind the answer just finished. */
  private void afterAnswer() {
    if (draining) {
      ctx.close();
      return;
    }
    if (pipelined != null && !pipelined.isEmpty()) {
      // Later, not from inside the code that ended the answer.
      ctx.channel().eventLoop().execute(this::replay);
    }
  }

  private void replay() {
    while (pipelined != null && !pipelined.isEmpty() && state != State.ANSWERING && ctx.channel().isActive()) {
      handle(pipelined.poll());
    }
  }

  // --- Connection events ---

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable() && exchange != null) {
      exchange.onClientWritable();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    proxy.closed(this);
    releaseBody();
    releaseUnsent();
    if (pipelined != null) {
      pipelined.forEach(ReferenceCountUtil::release);
      pipelined.clear();
    }
    Exchange e = exchange;
    exchange = null;
    if (e != null) {
      e.onClientGone();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!(cause instanceof IOException)) {
      // Not the network: a fault of the gateway's own, which must not pass unseen.
      LOG.log(System.Logger.Level.ERROR, "request handling failed; closing the client connection", cause);
    }
    // A reset or a protocol error: nothing more can be said on this connection.
    ctx.close();
  }

  /**
   * The gateway is stopping: close now if between requests, else after the current answer (which
   * tells the client so, if its head has not gone yet).
   */
  void close() {
    ctx.close();
  }

  void drain() {
    draining = true;
    keepAlive = false;
    if (state == State.IDLE && ended) {
      ctx.close();
    }
  }
}
