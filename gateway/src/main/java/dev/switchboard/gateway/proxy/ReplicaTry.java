package dev.switchboard.gateway.proxy;

import dev.switchboard.core.Clock;
import dev.switchboard.core.replica.Replica;
import dev.switchboard.gateway.http.ReplicaResponse;
import dev.switchboard.gateway.upstream.UpstreamReplica;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.TimeoutException;

/**
 * One try of a request at one replica: a connection from the loop's connections to it, the request
 * sent, the answer read back, and the times the timeout sweep checks. It tells its {@link Exchange}
 * what happens; what to do about it (relay, retry, give up) is the exchange's. One per request,
 * reused for each of its tries, so a retry allocates nothing.
 *
 * <p>Used only from its event loop.
 */
final class ReplicaTry implements ReplicaConnections.Callback, ReplicaConnection.Listener, TimeoutSweeper.Watched {
  enum State {
    /** No try under way: before the first, between two, or after a try ended. */
    IDLE,
    /** Waiting for a connection to the replica. */
    CONNECTING,
    /** The request went out; no answer yet. */
    SENT,
    /** The answer's head came and is held back until its first byte of body: the try may still fail unseen. */
    HEAD,
    /** The answer is reaching the client. */
    BODY,
    /** The request is over: nothing more is tried, and a connection that comes late goes back. */
    FINISHED
  }

  private final Exchange exchange;
  private final Clock clock;
  private State state = State.IDLE;
  // The current (or last) try's replica, as the pool has it and as the balancer does.
  private Replica replica;
  private UpstreamReplica upstream;
  /** The replica's stamp for this dispatch, for its latency and in-flight accounting. */
  private long stamp;
  /** While SENT, HEAD or BODY. */
  private ReplicaConnection connection;
  private ReplicaResponse head;
  /** When the try started (CONNECTING, SENT) or its answer's last bytes came (HEAD, BODY). */
  private long since;

  ReplicaTry(Exchange exchange, Clock clock) {
    this.exchange = exchange;
    this.clock = clock;
  }

  /** Starts a try at {@code replica}, dispatched with {@code stamp}, on one of {@code connections}. */
  void start(Replica replica, UpstreamReplica upstream, long stamp, ReplicaConnections connections) {
    this.replica = replica;
    this.upstream = upstream;
    this.stamp = stamp;
    head = null;
    // The first-byte timeout counts from here: waiting for a connection is part of it.
    since = clock.nanoTime();
    state = State.CONNECTING;
    connections.acquire(this);
  }

  State state() {
    return state;
  }

  /** A try is under way: dispatched, and not yet ended. */
  boolean underWay() {
    return state != State.IDLE && state != State.FINISHED;
  }

  Replica replica() {
    return replica;
  }

  UpstreamReplica upstream() {
    return upstream;
  }

  long stamp() {
    return stamp;
  }

  /** The answer's head, once it came. */
  ReplicaResponse head() {
    return head;
  }

  // --- The exchange's orders ---

  /** Gives up on the answer under way before any of it reached the client: its connection closes. */
  void drop() {
    connection.abandon();
    connection = null;
    state = State.IDLE;
  }

  /** The request is over: what is under way is given up, its connection closed. */
  void finish() {
    if (connection != null) {
      connection.abandon();
      connection = null;
    }
    state = State.FINISHED;
  }

  /** The client can take no more for now: the replica's connection stops being read. */
  void pauseReading() {
    connection.setReading(false);
  }

  void resumeReading() {
    if (connection != null) {
      connection.setReading(true);
    }
  }

  // --- The connection's news ---

  @Override
  public void acquired(ReplicaConnection c) {
    if (state != State.CONNECTING) {
      // Given up while the connection was opening (client gone, timed out): someone else may use it.
      c.connections().release(c);
      return;
    }
    connection = c;
    state = State.SENT;
    exchange.send(c);
  }

  @Override
  public void failed(Throwable cause) {
    if (state == State.CONNECTING) {
      state = State.IDLE;
      exchange.onTryFailed(cause, false);
    }
  }

  @Override
  public void onHead(ReplicaConnection c, ReplicaResponse response) {
    since = clock.nanoTime();
    head = response;
    state = State.HEAD;
    exchange.onAnswerHead(response);
  }

  @Override
  public void onBody(ByteBuf piece) {
    since = clock.nanoTime();
    startAnswer();
    exchange.onAnswerPiece(piece);
  }

  @Override
  public void onEnd() {
    startAnswer();
    connection = null;
    state = State.IDLE;
    exchange.onAnswerEnd(head);
  }

  /** The answer's first byte of body, or its end: from here the client has it. */
  private void startAnswer() {
    if (state == State.HEAD) {
      state = State.BODY;
      exchange.onAnswerStart(head);
    }
  }

  @Override
  public void onReadComplete() {
    if (state == State.BODY) {
      exchange.onReadComplete();
    }
  }

  @Override
  public void onFailure(Throwable cause) {
    boolean answerStarted = state == State.BODY;
    connection = null;
    state = State.IDLE;
    exchange.onTryFailed(cause, answerStarted);
  }

  // --- The timeout sweep ---

  @Override
  public boolean done() {
    return state == State.FINISHED;
  }

  @Override
  public long sentAt() {
    return state == State.CONNECTING || state == State.SENT ? since : -1;
  }

  @Override
  public long lastActivity() {
    return state == State.HEAD || state == State.BODY ? since : -1;
  }

  @Override
  public void timeOut(TimeoutException cause) {
    boolean answerStarted = state == State.BODY;
    // Closed rather than read on; a connection still opening goes back when it comes.
    if (connection != null) {
      connection.abandon();
      connection = null;
    }
    state = State.IDLE;
    exchange.onTryFailed(cause, answerStarted);
  }
}
