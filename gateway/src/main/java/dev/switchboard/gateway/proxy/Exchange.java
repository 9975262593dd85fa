package dev.switchboard.gateway.proxy;

import dev.switchboard.config.AdmissionConfig;
import dev.switchboard.core.balance.Pick;
import dev.switchboard.core.event.Completed;
import dev.switchboard.core.event.Decisions;
import dev.switchboard.core.event.Dispatched;
import dev.switchboard.core.event.Failed;
import dev.switchboard.core.event.FailureCause;
import dev.switchboard.core.event.FirstByte;
import dev.switchboard.core.event.Retried;
import dev.switchboard.core.event.Shed;
import dev.switchboard.core.event.ShedReason;
import dev.switchboard.core.ratelimit.Reservation;
import dev.switchboard.core.replica.Replica;
import dev.switchboard.core.balance.ReplicaSet;
import dev.switchboard.core.request.RequestInfo;
import dev.switchboard.core.retry.RetryDecision;
import dev.switchboard.core.retry.RetryRule;
import dev.switchboard.core.retry.TryFailure;
import dev.switchboard.gateway.admission.PoolAdmission;
import dev.switchboard.gateway.http.ClientRequest;
import dev.switchboard.gateway.http.Http1;
import dev.switchboard.gateway.http.ReplicaResponse;
import dev.switchboard.gateway.openai.OpenAiError;
import dev.switchboard.gateway.openai.PriorityField;
import dev.switchboard.gateway.openai.RequestFields;
import dev.switchboard.gateway.openai.UsageSniffer;
import dev.switchboard.gateway.ratelimit.RateLimitHeaders;
import dev.switchboard.gateway.upstream.ReplicaPool;
import dev.switchboard.gateway.upstream.UpstreamReplica;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;

/**
 * One client request and its tries, on the event loop of the client's connection.
 *
 * <p>Each try picks a replica with the pool's core balancer and goes to it as the request's
 * {@link ReplicaTry}: the body forwarded unchanged, the answer relayed to the {@link ClientAnswer}
 * with back-pressure (the replica's connection stops being read while the client cannot take more).
 * When a try fails, the core {@link RetryRule} says whether another replica gets the request. If
 * not, before any byte reached the client, the client gets the replica's own 5xx, or 502, or 504
 * after a timeout; once bytes have gone out, an SSE stream ends with an error event and any other
 * answer is cut short, so the client sees the truncation. Nothing is silently truncated.
 *
 * <p>Every call the proxy makes into the pool, its admission queue, its outcomes and its replicas'
 * accounting is made here, and nowhere else; so is every decision event of a request ({@link
 * Dispatched}, {@link FirstByte}, {@link Retried}, {@link Completed}, {@link Failed}, {@link Shed}),
 * each built only when someone listens.
 */
final class Exchange implements PoolAdmission.Waiter {
  private enum State {
    /** Not yet started. */
    NEW,
    /** Waiting in the pool's admission queue. */
    QUEUED,
    /** Admitted: a try is under way, or the next is starting. */
    TRYING,
    /** Answered, or the client left: the body is released and nothing more is done. */
    OVER
  }

  /** How a try ended, for its replica's accounting and the pool's passive health. */
  private enum TryEnd {
    /** A whole answer, not a 5xx. */
    ANSWERED,
    /** A 5xx, a failed connection or a timeout. */
    FAILED,
    /** The client left: the replica is not to blame. */
    CANCELLED
  }

  /** Request bodies up to this size are copied in behind the head, to be written together. */
  private static final int COPY_MAX_BYTES = 16 * 1024;
  private static final AsciiString POST = AsciiString.cached("POST");

  private final ExchangeContext context;
  private final ClientAnswer client;
  private final ClientRequest request;
  private final RequestFields fields;
  private final ReplicaPool pool;
  private final RequestInfo info;
  /** Tokens reserved by the rate limiter, settled from the answer's usage. */
  private final Reservation reservation;
  private final UsageSniffer usage;
  private final ReplicaTry attempt;
  private final Decisions decisions;
  /** When the request reached the gateway whole, on the context's clock. */
  private final long arrivedNanos;
  private long firstByteNanos = -1;
  private ByteBuf body;
  private State state = State.NEW;
  private int attempts;
  private List<Replica> tried;

  /** Owns {@code body}. */
  Exchange(
      ExchangeContext context, ClientAnswer client, ClientRequest request, ByteBuf body, RequestFields fields,
      ReplicaPool pool, RequestInfo info, Reservation reservation) {
    this.context = context;
    this.client = client;
    this.request = request;
    this.body = body;
    this.fields = fields;
    this.pool = pool;
    this.info = info;
    this.reservation = reservation;
    this.usage = reservation == Reservation.NONE ? null : new UsageSniffer();
    this.attempt = new ReplicaTry(this, context.clock());
    this.decisions = context.decisions();
    this.arrivedNanos = context.clock().nanoTime();
  }

  /** Starts the request: into the pool's admission queue if it has one, else straight to a replica. */
  void start() {
    PoolAdmission admission = pool.admission();
    if (admission == null) {
      state = State.TRYING;
      tryNext();
      return;
    }
    AdmissionConfig settings = context.admission();
    if (settings != null && settings.forwardPriority() && fields.priority() == 0) {
      ByteBuf with = PriorityField.insert(body, settings.priorityOf(info.tier()));
      body.release();
      body = with;
    }
    // Queued until told otherwise: the queue may shed it before admit returns.
    state = State.QUEUED;
    if (admission.admit(this, info.tier(), info.tenant(), fields.priority())) {
      state = State.TRYING;
      tryNext();
    }
  }

  // --- Admission queue ---

  @Override
  public Executor eventLoop() {
    return context.loop();
  }

  @Override
  public String tier() {
    return info.tier();
  }

  @Override
  public void dispatch() {
    if (state == State.OVER) {
      // The client left while the slot was on its way here: it goes to the next in line.
      pool.admission().drain();
      return;
    }
    state = State.TRYING;
    tryNext();
  }

  @Override
  public void shed(ShedReason reason, int retryAfterSeconds) {
    if (state == State.OVER) {
      return;
    }
    if (decisions.active()) {
      decisions.publish(new Shed(now(), pool.name(), info, arrivedNanos, reason));
    }
    reservation.settle(0);
    client.extraHeaders().set(RateLimitHeaders.RETRY_AFTER, Integer.toString(retryAfterSeconds));
    fail(OpenAiError.OVERLOADED, "The service is overloaded: " + reason.message() + " Retry later.");
  }

  // --- Tries ---

  /** The next try, at a replica the balancer picks among those not tried yet. */
  private void tryNext() {
    attempts++;
    PoolAdmission admission = pool.admission();
    ReplicaSet candidates = admission == null || tried != null ? pool.routable() : admission.eligible();
    if (tried != null) {
      candidates = candidates.without(tried);
    }
    Pick pick = pool.balancer().pick(candidates, info);
    if (!pick.hasReplica()) {
      reservation.settle(0);
      failed(FailureCause.NO_REPLICA, tried == null ? null : tried.get(tried.size() - 1).id(), attempts - 1);
      fail(
          OpenAiError.NO_REPLICA,
          tried == null
              ? "No healthy replica is available for model `" + fields.model() + "`."
              : "Every replica tried for model `" + fields.model() + "` failed.");
      return;
    }
    Replica replica = pick.replica();
    UpstreamReplica upstream = pool.upstream(replica);
    if (attempts == 1) {
      // Watched from the first try to the request's end: the retries reuse the same try.
      context.timeouts().watch(attempt);
    }
    long stamp = replica.onDispatch();
    if (decisions.active()) {
      decisions.publish(new Dispatched(now(), pool.name(), replica.id(), info, attempts));
    }
    attempt.start(replica, upstream, stamp, context.replicas().to(upstream));
  }

  /**
   * Writes the request on the try's connection: the client's headers less those not forwarded, with
   * the replica as the host and the body's length; the body itself, unchanged.
   */
  void send(ReplicaConnection c) {
    int length = body.readableBytes();
    ByteBuf head = c.channel().alloc().directBuffer(512 + Math.min(length, COPY_MAX_BYTES));
    Http1.requestLine(head, POST, request.uri());
    Http1.header(head, HttpHeaderNames.HOST, attempt.upstream().hostHeader());
    request.writeForwardedHeaders(head);
    Http1.header(head, HttpHeaderNames.CONTENT_LENGTH, length);
    Http1.endOfHead(head);
    if (length <= COPY_MAX_BYTES) {
      // A usual request goes out as one buffer: the body copied in behind the head.
      head.writeBytes(body, body.readerIndex(), length);
      c.send(attempt, head, null);
    } else {
      c.send(attempt, head, body.retainedDuplicate());
    }
  }

  /** The answer's head came; the try holds it back, so a 5xx can still go elsewhere unseen. */
  void onAnswerHead(ReplicaResponse head) {
    if (head.status() < 500) {
      return;
    }
    RetryDecision decision = context.retries().afterFailure(TryFailure.SERVER_ERROR, false, attempts);
    if (decision.retries()) {
      attempt.drop();
      markTried(attempt.replica());
      retried(FailureCause.SERVER_ERROR);
      endTry(TryEnd.FAILED);
      tryNext();
    }
    // Otherwise the 5xx goes to the client as it came: the last answer there was.
  }

  /** The answer's first byte of body, or its end: its head goes to the client now. */
  void onAnswerStart(ReplicaResponse head) {
    attempt.replica().onFirstByte(attempt.stamp());
    if (decisions.active()) {
      firstByteNanos = now();
      decisions.publish(new FirstByte(firstByteNanos, pool.name(), attempt.replica().id(), info, arrivedNanos));
    }
    client.writeHead(head);
  }

  /** A piece of the answer's body; owns it. */
  void onAnswerPiece(ByteBuf piece) {
    if (usage != null) {
      usage.accept(piece);
    }
    client.writeBody(piece);
    if (!client.isWritable()) {
      attempt.pauseReading();
    }
  }

  /** What the replica sent has been relayed: a good moment to flush. */
  void onReadComplete() {
    client.flush();
  }

  /** The answer is whole; its connection is no longer the try's. */
  void onAnswerEnd(ReplicaResponse head) {
    if (decisions.active()) {
      String replica = attempt.replica().id();
      decisions.publish(
          head.status() < 500
              ? new Completed(now(), pool.name(), replica, info, arrivedNanos, firstByteNanos, attempts, head.status())
              : new Failed(now(), pool.name(), replica, info, arrivedNanos, FailureCause.SERVER_ERROR, attempts));
    }
    endTry(head.status() < 500 ? TryEnd.ANSWERED : TryEnd.FAILED);
    settleFromUsage();
    end();
    client.endBody();
  }

  /** The try failed: {@code cause} is a {@link TimeoutException} if it took too long. */
  void onTryFailed(Throwable cause, boolean answerStarted) {
    String replica = attempt.replica().id();
    endTry(TryEnd.FAILED);
    if (answerStarted) {
      settleFromUsage();
    }
    TryFailure how = cause instanceof TimeoutException ? TryFailure.TIMEOUT : TryFailure.CONNECTION;
    RetryDecision decision = context.retries().afterFailure(how, answerStarted, attempts);
    switch (decision) {
      case RETRY -> {
        markTried(attempt.replica());
        retried(how == TryFailure.TIMEOUT ? FailureCause.TIMEOUT : FailureCause.CONNECTION);
        tryNext();
      }
      case ANSWER_STARTED -> {
        failed(FailureCause.MID_ANSWER, replica, attempts);
        end();
        if (attempt.head().eventStream() && client.chunked()) {
          client.endWithSseError(OpenAiError.UPSTREAM_FAILED, "The replica failed mid-stream: " + cause.getMessage());
        } else {
          // A plain body cannot carry an error now; close so the client sees the cut.
          client.abort();
        }
      }
      case TIMED_OUT -> {
        reservation.settle(0);
        failed(FailureCause.TIMEOUT, replica, attempts);
        fail(
            OpenAiError.TIMEOUT,
            "The model did not start answering within " + context.firstByteMillis() + " ms.");
      }
      case ATTEMPTS_SPENT, BUDGET_SPENT -> {
        reservation.settle(0);
        failed(FailureCause.CONNECTION, replica, attempts);
        fail(OpenAiError.UPSTREAM_FAILED, "Could not get an answer from a replica: " + cause.getMessage());
      }
    }
  }

  /**
   * The try just ended: its replica and the pool's health hear how it went, and its slot
   * goes to a waiting request.
   */
  private void endTry(TryEnd how) {
    attempt.replica().onComplete(attempt.stamp(), how != TryEnd.FAILED);
    PoolAdmission admission = pool.admission();
    if (admission != null) {
      admission.drain();
    }
    if (how == TryEnd.ANSWERED) {
      pool.outcomes().onSuccess(attempt.upstream());
    } else if (how == TryEnd.FAILED) {
      pool.outcomes().onFailure(attempt.upstream());
    }
  }

  private long now() {
    return context.clock().nanoTime();
  }

  /** The try at the current replica failed and the request goes to another. */
  private void retried(FailureCause cause) {
    if (decisions.active()) {
      decisions.publish(new Retried(now(), pool.name(), attempt.replica().id(), info, cause, attempts + 1));
    }
  }

  /** The request ends in an error; {@code replica} is the last one tried, or null. */
  private void failed(FailureCause cause, String replica, int tries) {
    if (decisions.active()) {
      decisions.publish(new Failed(now(), pool.name(), replica, info, arrivedNanos, cause, tries));
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
    end();
    client.sendError(error, message, null);
  }

  /** Nothing more is done: the try is finished and the body released. */
  private void end() {
    state = State.OVER;
    attempt.finish();
    body.release();
  }

  // --- The client ---

  /** The client can take more: read the replica again. */
  void onClientWritable() {
    attempt.resumeReading();
  }

  /** The client's connection closed. */
  void onClientGone() {
    if (state == State.OVER) {
      return;
    }
    boolean queued = state == State.QUEUED;
    boolean underWay = attempt.underWay();
    end();
    // The replica may have produced tokens already: keep what was reserved.
    reservation.settle(reservation.reservedTokens());
    if (queued) {
      pool.admission().remove(this);
    }
    if (underWay) {
      endTry(TryEnd.CANCELLED);
    }
  }

}
