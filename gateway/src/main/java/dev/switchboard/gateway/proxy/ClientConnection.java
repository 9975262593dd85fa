package dev.switchboard.gateway.proxy;

import dev.switchboard.core.ratelimit.RateDecision;
import dev.switchboard.gateway.auth.ApiKey;
import dev.switchboard.gateway.http.ChunkedBody;
import dev.switchboard.gateway.http.ClientRequest;
import dev.switchboard.gateway.http.ClientRequestParser;
import dev.switchboard.gateway.http.Http1;
import dev.switchboard.gateway.http.MalformedHttp;
import dev.switchboard.gateway.http.ReplicaResponse;
import dev.switchboard.gateway.openai.OpenAiError;
import dev.switchboard.gateway.ratelimit.RateLimitHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One client's connection to the data plane: reads its requests one at a time with the data
 * plane's own {@link ClientRequestParser} (bodies bounded), hands each to the {@link LoopProxy} to
 * route, and writes its answer, as the {@link ClientAnswer} an {@link Exchange} relays to.
 * HTTP/1.1 keep-alive, with requests pipelined behind an unfinished answer kept as unread bytes
 * until it is done; past {@link #MAX_HELD_BYTES} of them, reading pauses.
 *
 * <p>Used only from its event loop.
 */
final class ClientConnection extends ChannelInboundHandlerAdapter implements ClientAnswer {
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

  /** Bytes read ahead (pipelined requests) while an answer is unfinished; beyond, reading pauses. */
  static final int MAX_HELD_BYTES = 64 * 1024;

  private static final ChunkedBody.Data DISCARD = ByteBuf::skipBytes;

  private final LoopProxy proxy;
  private final int maxBodyBytes;
  private final ClientRequestParser parser = new ClientRequestParser();
  private final ChunkedBody.Data intoBody = this::intoBody;
  private ChannelHandlerContext ctx;
  private State state = State.IDLE;
  /** Bytes read and not parsed yet: a partial request, or requests pipelined behind an answer. */
  private ByteBuf unread;
  /** Reading stopped while too many bytes wait behind an unfinished answer. */
  private boolean paused;
  /** The connection closes once the current answer is out: nothing more is read. */
  private boolean closing;
  private ClientRequest request;
  private ApiKey key;
  private ByteBuf body;
  /** A chunked body went past the limit. */
  private boolean overLimit;

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
    ByteBuf in = (ByteBuf) msg;
    if (closing) {
      in.release();
      return;
    }
    unread = unread == null ? in : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), unread, in);
    process();
  }

  /** Reads what can be read now: requests, one at a time, while none is being answered. */
  private void process() {
    try {
      while (unread != null && state != State.ANSWERING && !closing && step()) {
        // Each step reads a head, or a body to its end or as far as it has come.
      }
    } catch (MalformedHttp e) {
      malformed(e);
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
    if (unread != null && (closing || !unread.isReadable())) {
      unread.release();
      unread = null;
    }
    int held = unread == null ? 0 : unread.readableBytes();
    if (!paused && state == State.ANSWERING && held > MAX_HELD_BYTES) {
      paused = true;
      ctx.channel().config().setAutoRead(false);
    } else if (paused && state != State.ANSWERING) {
      paused = false;
      ctx.channel().config().setAutoRead(true);
    }
  }

  /** One step of reading; false when more bytes are needed. */
  private boolean step() throws MalformedHttp {
    switch (state) {
      case IDLE -> {
        ClientRequest r = parser.head(unread);
        if (r == null) {
          return false;
        }
        startRequest(r);
        return true;
      }
      case READING -> {
        boolean done = parser.body(unread, intoBody);
        if (overLimit) {
          tooLarge();
          return false;
        }
        if (!done) {
          return false;
        }
        state = State.ANSWERING;
        ByteBuf whole = body;
        body = null;
        proxy.route(this, request, key, whole);
        return true;
      }
      case DISCARDING -> {
        if (!parser.body(unread, DISCARD)) {
          return false;
        }
        if (!ended) {
          state = State.ANSWERING;
          return false;
        }
        state = State.IDLE;
        if (draining) {
          ctx.close();
          return false;
        }
        return true;
      }
      default -> throw new IllegalStateException(state.name());
    }
  }

  private void startRequest(ClientRequest req) {
    request = req;
    keepAlive = req.keepAlive() && !draining;
    headWritten = false;
    chunked = false;
    ended = false;
    overLimit = false;
    extraHeaders = null;
    rateDecision = null;
    key = proxy.onRequest(this, req);
    if (key == null) {
      // Answered already (an error, or the model list).
      state = State.DISCARDING;
      return;
    }
    long declared = req.contentLength();
    if (declared > maxBodyBytes) {
      tooLarge();
      return;
    }
    state = State.READING;
    // On the heap: its fields are parsed from its array, and the upstream request copies it anyway.
    body = ctx.alloc().heapBuffer(declared >= 0 ? (int) declared : 1024);
    if (req.expectContinue() && req.http11()) {
      // Only now, after the key and the declared size passed: a refused client never sends its body.
      ctx.writeAndFlush(Unpooled.wrappedBuffer(CONTINUE), ctx.voidPromise());
    }
  }

  private void intoBody(ByteBuf in, int n) {
    if (overLimit || body.readableBytes() + n > maxBodyBytes) {
      overLimit = true;
      in.skipBytes(n);
    } else {
      body.writeBytes(in, n);
    }
  }

  /** Bytes that are not a request: answered (if nothing was yet) and the connection closed. */
  private void malformed(MalformedHttp e) {
    releaseBody();
    keepAlive = false;
    if (state == State.IDLE) {
      // No request to answer for: the answer is to the malformed one.
      request = null;
      headWritten = false;
      ended = false;
      extraHeaders = null;
      rateDecision = null;
    }
    closing = true;
    if (state == State.IDLE || state == State.READING) {
      state = State.DISCARDING;
      sendError(errorFor(e.status()), "Malformed HTTP request: " + e.getMessage() + ".", null);
    } else if (ended) {
      closeAfterWrites();
    }
    // Else the answer under way ends the connection when it is done.
  }

  private static OpenAiError errorFor(int status) {
    return switch (status) {
      case 431 -> OpenAiError.HEADERS_TOO_LARGE;
      case 501 -> OpenAiError.NOT_IMPLEMENTED;
      case 505 -> OpenAiError.VERSION_NOT_SUPPORTED;
      default -> OpenAiError.BAD_REQUEST;
    };
  }

  private void tooLarge() {
    // Close once the answer is out rather than read the rest of a huge body.
    releaseBody();
    state = State.DISCARDING;
    keepAlive = false;
    closing = true;
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

  @Override
  public HttpHeaders extraHeaders() {
    if (extraHeaders == null) {
      extraHeaders = new DefaultHttpHeaders(false);
    }
    return extraHeaders;
  }

  @Override
  public boolean chunked() {
    return chunked;
  }

  /** The answer is complete, or can no longer be written. */
  boolean ended() {
    return ended || !ctx.channel().isActive();
  }

  @Override
  public boolean isWritable() {
    return ctx.channel().isWritable();
  }

  @Override
  public void sendError(OpenAiError error, String message, String param) {
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
    if (request == null || !request.isHead()) {
      out.writeBytes(content);
    }
    headWritten = true;
    end(out);
  }

  /**
   * Writes the head of a relayed answer (not flushed). A body of known length passes as it is; one
   * without goes chunked to an HTTP/1.1 client, and to the close to an HTTP/1.0 one.
   */
  @Override
  public void writeHead(ReplicaResponse head) {
    ByteBuf out = ctx.alloc().buffer(512);
    Http1.statusLine(out, head);
    head.writeHeaders(out);
    writeExtraHeaders(out);
    if (head.contentLength() >= 0) {
      Http1.header(out, HttpHeaderNames.CONTENT_LENGTH, head.contentLength());
    } else if (head.hasBody()) {
      if (http11()) {
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

  /** The answer's version follows the request's; one too malformed to have a version gets HTTP/1.1. */
  private boolean http11() {
    return request == null || request.http11();
  }

  private void connectionHeader(ByteBuf out) {
    if (!keepAlive) {
      Http1.header(out, HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (!http11()) {
      Http1.header(out, HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
  }

  /**
   * Writes a piece of a relayed body (not flushed); owns {@code piece}. A small piece is copied in
   * behind the head or the pieces before it, so that a short answer leaves in one buffer rather
   * than three or more, each a write of its own.
   */
  @Override
  public void writeBody(ByteBuf piece) {
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

  @Override
  public void endBody() {
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

  @Override
  public void endWithSseError(OpenAiError error, String message) {
    writeBody(Unpooled.wrappedBuffer(error.sseEvent(message).getBytes(StandardCharsets.UTF_8)));
    endBody();
  }

  @Override
  public void flush() {
    writeUnsent();
    ctx.flush();
  }

  @Override
  public void abort() {
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
      closing = true;
      ctx.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** Closes once what was written has gone out. */
  private void closeAfterWrites() {
    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
  }

  /** Reads on: requests that were pipelined behind the answer just finished, or reading resumed. */
  private void afterAnswer() {
    if (draining) {
      ctx.close();
      return;
    }
    if (unread != null || paused) {
      // Later, not from inside the code that ended the answer.
      ctx.channel().eventLoop().execute(this::process);
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
    if (unread != null) {
      unread.release();
      unread = null;
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
