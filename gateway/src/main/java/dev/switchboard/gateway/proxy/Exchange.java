package dev.switchboard.gateway.proxy;

import dev.switchboard.core.balance.Pick;
import dev.switchboard.core.ratelimit.Reservation;
import dev.switchboard.core.replica.Replica;
import dev.switchboard.core.replica.ReplicaSet;
import dev.switchboard.core.request.RequestInfo;
import dev.switchboard.gateway.admission.PoolAdmission;
import dev.switchboard.gateway.http.ClientRequest;
import dev.switchboard.gateway.http.Http1;
import dev.switchboard.gateway.http.ReplicaResponse;
import dev.switchboard.gateway.openai.OpenAiError;
import dev.switchboard.gateway.openai.RequestFields;
import dev.switchboard.gateway.openai.UsageSniffer;
import dev.switchboard.gateway.ratelimit.RateLimitHeaders;
import dev.switchboard.gateway.upstream.ReplicaPool;
import dev.switchboard.gateway.upstream.UpstreamReplica;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;

/**
 * One client request and its tries, on the event loop of the client's connection.
 *
 * <p>A try picks a replica with the pool's core balancer, takes a connection from this loop's pool
 * to it, forwards the body unchanged and relays the answer with back-pressure (the replica's
 * connection stops being read while the client cannot take more). A try that fails before any byte
 * reached the client (connect failure, reset, 5xx) is retried on another replica, within the
 * attempt limit and the retry budget. Once bytes have gone out, a failure ends an SSE stream with an
 * error event, or cuts a plain answer short so the client sees the truncation; nothing is silently
 * truncated.
 */
final class Exchange
    implements PoolAdmission.Waiter, TimeoutSweeper.Watched, ReplicaConnection.Listener, ReplicaConnections.Callback {
  /** Request bodies up to this size are copied in behind the head, to be written together. */
  private static final int COPY_MAX_BYTES = 16 * 1024;
  private static final AsciiString POST = AsciiString.cached("POST");

  private final LoopProxy proxy;
  private final ClientConnection client;
  private final ClientRequest request;
  private final ByteBuf body;
  private final RequestFields fields;
  private final ReplicaPool pool;
  private final RequestInfo info;
  /** Tokens reserved by the rate limiter, settled from the answer's usage. */
  private final Reservation reservation;
  private final UsageSniffer usage;

  /** In the admission queue. */
  boolean waiting;
  private int attempts;
  private List<Replica> tried;

  // The current try.
  private Replica replica;
  private UpstreamReplica upstream;
  private long stamp;
  /** Waiting for a connection from the pool. */
  private boolean connecting;
  private ReplicaConnection connection;
  /** The replica's answer head, held until its first byte of body so a failure before can still retry. */
  private ReplicaResponse head;
  private boolean bodyStarted;
  private boolean sse;
  /** Set by the timeout sweeper. */
  private TimeoutException timedOut;

  /** For the timeout sweeper: when the current try went out, when its last bytes came; -1 if not. */
  private long sentAt = -1;
  private long lastActivity = -1;
  private boolean watched;
  /** Answered, or the client left: nothing more to do but let go of what is held. */
  private boolean over;
  private boolean released;

  Exchange(
      LoopProxy proxy, ClientConnection client, ClientRequest request, ByteBuf body, RequestFields fields,
      ReplicaPool pool, RequestInfo info, Reservation reservation) {
    this.proxy = proxy;
    this.client = client;
    this.request = request;
    this.body = body;
    this.fields = fields;
    this.pool = pool;
    this.info = info;
    this.reservation = reservation;
    this.usage = reservation == Reservation.NONE ? null : new UsageSniffer();
  }

  // --- Admission queue ---

  @Override
  public Executor eventLoop() {
    return proxy.loop;
  }

  @Override
  public String tier() {
    return info.tier();
  }

  @Override
  public void dispatch() {
    waiting = false;
    if (over) {
      pool.admission().drain();
      return;
    }
    attempt();
  }

  @Override
  public void shed(String reason, int retryAfterSeconds) {
    waiting = false;
    if (over) {
      return;
    }
    reservation.settle(0);
    client.extraHeaders().set(RateLimitHeaders.RETRY_AFTER, Integer.toString(retryAfterSeconds));
    fail(OpenAiError.OVERLOADED, "The service is overloaded: " + reason + " Retry later.");
  }

  // --- Tries ---

  void attempt() {
    attempts++;
    PoolAdmission admission = pool.admission();
    ReplicaSet candidates = admission == null || tried != null ? pool.routable() : admission.eligible();
    if (tried != null) {
      candidates = without(candidates, tried);
    }
    Pick pick = pool.balancer().pick(candidates, info);
    if (!pick.hasReplica()) {
      reservation.settle(0);
      fail(
          OpenAiError.NO_REPLICA,
          tried == null
              ? "No healthy replica is available for model `" + fields.model() + "`."
              : "Every replica tried for model `" + fields.model() + "` failed.");
      return;
    }
    replica = pick.replica();
    upstream = pool.get(replica.index());
    stamp = replica.onDispatch();
    head = null;
    bodyStarted = false;
    // The first-byte timeout counts from here: waiting for a connection is part of it.
    sentAt = System.nanoTime();
    lastActivity = -1;
    if (!watched) {
      watched = true;
      proxy.timeouts.watch(this);
    }
    connecting = true;
    proxy.upstream(upstream).acquire(this);
  }

  @Override
  public void acquired(ReplicaConnection c) {
    connecting = false;
    if (over) {
      // Given up while the connection was opening (client gone, timed out): someone else may use it.
      c.connections().release(c);
      return;
    }
    connection = c;
    ByteBuf head = upstreamHead();
    if (body.readableBytes() <= COPY_MAX_BYTES) {
      // A usual request goes out as one buffer: the body copied in behind the head.
      head.writeBytes(body, body.readerIndex(), body.readableBytes());
      c.send(this, head, null);
    } else {
      c.send(this, head, body.retainedDuplicate());
    }
  }

  @Override
  public void failed(Throwable cause) {
    connecting = false;
    if (!over) {
      failedBeforeAnswer(cause);
    }
  }

  /**
   * The head of the request for the current try, ready for the wire: the client's headers less
   * those not forwarded, with this replica as the host and the body's length.
   */
  private ByteBuf upstreamHead() {
    ByteBuf out = client.alloc().directBuffer(512 + Math.min(body.readableBytes(), COPY_MAX_BYTES));
    Http1.requestLine(out, POST, request.uri());
    Http1.header(out, HttpHeaderNames.HOST, upstream.hostHeader());
    request.writeForwardedHeaders(out);
    Http1.header(out, HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    Http1.endOfHead(out);
    return out;
  }

  @Override
  public void onHead(ReplicaConnection c, ReplicaResponse response) {
    int status = response.status();
    if (status >= 500 && attempts < proxy.config.retries().maxAttempts() && proxy.retryBudget.tryRetry()) {
      // Nothing has reached the client yet: drop this answer and try elsewhere.
      c.abandon();
      connection = null;
      markTried(replica);
      endTry(false);
      pool.outcomes().onFailure(upstream);
      attempt();
      return;
    }
    lastActivity = System.nanoTime();
    sse = response.eventStream();
    head = response;
  }

  @Override
  public void onBody(ByteBuf piece) {
    lastActivity = System.nanoTime();
    startBody();
    if (usage != null) {
      usage.accept(piece);
    }
    if (over) {
      piece.release();
      return;
    }
    client.writeBody(piece);
    if (!client.isWritable()) {
      connection.setReading(false);
    }
  }

  @Override
  public void onEnd() {
    startBody();
    connection = null;
    boolean ok = head.status() < 500;
    endTry(ok);
    settleFromUsage();
    if (ok) {
      pool.outcomes().onSuccess(upstream);
    } else {
      pool.outcomes().onFailure(upstream);
    }
    if (over) {
      return;
    }
    over = true;
    release();
    client.endBody();
  }

  /** The answer's first byte of body, or its end: the head goes to the client now. */
  private void startBody() {
    if (!bodyStarted) {
      bodyStarted = true;
      replica.onFirstByte(stamp);
      if (!over) {
        client.writeHead(head);
      }
    }
  }

  @Override
  public void onReadComplete() {
    if (!over) {
      client.flush();
    }
  }

  @Override
  public void onFailure(Throwable cause) {
    connection = null;
    if (!bodyStarted) {
      // Nothing reached the client: this is still a failure before the answer.
      failedBeforeAnswer(cause);
      return;
    }
    endTry(false);
    settleFromUsage();
    pool.outcomes().onFailure(upstream);
    if (over) {
      return;
    }
    over = true;
    release();
    if (sse && client.chunked()) {
      Throwable why = timedOut != null ? timedOut : cause;
      client.endWith(
          Unpooled.wrappedBuffer(
              OpenAiError.UPSTREAM_FAILED.sseEvent("The replica failed mid-stream: " + why.getMessage())
                  .getBytes(StandardCharsets.UTF_8)));
    } else {
      // A plain body cannot carry an error now; close so the client sees the cut.
      client.abort();
    }
  }

  private void failedBeforeAnswer(Throwable cause) {
    Replica failed = replica;
    endTry(false);
    if (over) {
      return;
    }
    pool.outcomes().onFailure(upstream);
    if (timedOut != null || cause instanceof TimeoutException) {
      // A replica that took too long is not retried: the retry would likely wait as long again.
      reservation.settle(0);
      fail(OpenAiError.TIMEOUT, "The model did not start answering within " + proxy.firstByteMs + " ms.");
      return;
    }
    markTried(failed);
    if (attempts < proxy.config.retries().maxAttempts() && proxy.retryBudget.tryRetry()) {
      attempt();
    } else {
      reservation.settle(0);
      fail(OpenAiError.UPSTREAM_FAILED, "Could not get an answer from a replica: " + cause.getMessage());
    }
  }

  /** The current try is over: account for it and give its slot to a waiting request. */
  private void endTry(boolean ok) {
    sentAt = -1;
    lastActivity = -1;
    if (replica == null) {
      return;
    }
    replica.onComplete(stamp, ok);
    replica = null;
    PoolAdmission admission = pool.admission();
    if (admission != null) {
      admission.drain();
    }
  }

  private void markTried(Replica r) {
    if (tried == null) {
      tried = new ArrayList<>(2);
    }
    tried.add(r);
  }

  /** Corrects the reservation to the tokens the answer reported using (or keeps it). */
  private void settleFromUsage() {
    if (usage != null) {
      long used = usage.totalTokens();
      reservation.settle(used >= 0 ? used : reservation.reservedTokens());
    }
  }

  /** Answers with an error and ends the exchange. */
  private void fail(OpenAiError error, String message) {
    over = true;
    release();
    client.sendError(error, message, null);
  }

  private void release() {
    if (!released) {
      released = true;
      body.release();
    }
  }

  // --- Client and timeouts ---

  /** The client can take more: read the replica again. */
  void onClientWritable() {
    if (connection != null) {
      connection.setReading(true);
    }
  }

  /** The client's connection closed. */
  void onClientGone() {
    if (over) {
      return;
    }
    over = true;
    release();
    // The replica may have produced tokens already: keep what was reserved.
    reservation.settle(reservation.reservedTokens());
    if (waiting) {
      pool.admission().remove(this);
      waiting = false;
    }
    if (connection != null) {
      connection.abandon();
      connection = null;
    }
    // Cancelled, not failed: the replica is not to blame.
    endTry(true);
  }

  @Override
  public boolean done() {
    return over;
  }

  @Override
  public long sentAt() {
    return sentAt;
  }

  @Override
  public long lastActivity() {
    return lastActivity;
  }

  @Override
  public void timeOut(TimeoutException cause) {
    timedOut = cause;
    sentAt = -1;
    lastActivity = -1;
    if (connection != null) {
      connection.fail(cause);
    } else if (connecting) {
      // No connection yet; a late one goes back to the pool.
      failedBeforeAnswer(cause);
    }
  }

  private static ReplicaSet without(ReplicaSet set, List<Replica> excluded) {
    List<Replica> keep = new ArrayList<>(set.size());
    for (int i = 0; i < set.size(); i++) {
      if (!excluded.contains(set.get(i))) {
        keep.add(set.get(i));
      }
    }
    return ReplicaSet.of(keep);
  }
}
