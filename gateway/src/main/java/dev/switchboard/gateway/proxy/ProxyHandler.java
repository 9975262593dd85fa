package dev.switchboard.gateway.proxy;

import dev.switchboard.core.balance.Pick;
import dev.switchboard.core.replica.Replica;
import dev.switchboard.core.replica.ReplicaSet;
import dev.switchboard.core.request.RequestInfo;
import dev.switchboard.core.retry.RetryBudget;
import dev.switchboard.gateway.auth.ApiKey;
import dev.switchboard.gateway.auth.Authenticator;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.upstream.ReplicaPool;
import dev.switchboard.gateway.upstream.Router;
import dev.switchboard.gateway.upstream.UpstreamReplica;
import dev.switchboard.core.ratelimit.RateDecision;
import dev.switchboard.core.ratelimit.Reservation;
import dev.switchboard.gateway.admission.PoolAdmission;
import dev.switchboard.gateway.ratelimit.GatewayRateLimiter;
import dev.switchboard.gateway.ratelimit.RateLimitHeaders;
import dev.switchboard.gateway.ratelimit.UsageSniffer;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * The data plane's request handler, one per event loop (it owns that loop's HTTP client, so
 * connections to replicas never cross loops).
 *
 * <p>For each request: authenticate, read the body (bounded), parse the routing fields, pick a
 * replica with the pool's core balancer, forward the body unchanged and stream the response back
 * with back-pressure. A try that fails before any byte reached the client (connect failure, reset,
 * 5xx) is retried on another replica, within the attempt limit and the retry budget. Once bytes
 * have gone out, a failure ends an SSE stream with an error event, or cuts a plain response short
 * so the client sees the truncation; nothing is silently truncated.
 */
public final class ProxyHandler implements Handler<HttpServerRequest> {
  /**
   * Headers not forwarded either way: hop-by-hop ones, those the client library sets itself, and the
   * caller's key. Checked without allocating, since every header of every request passes here.
   */
  static boolean notForwarded(String name) {
    switch (name.length()) {
      case 2:
        return name.equalsIgnoreCase("te");
      case 4:
        return name.equalsIgnoreCase("host");
      case 7:
        return name.equalsIgnoreCase("upgrade") || name.equalsIgnoreCase("trailer");
      case 10:
        return name.equalsIgnoreCase("connection") || name.equalsIgnoreCase("keep-alive");
      case 13:
        return name.equalsIgnoreCase("authorization");
      case 14:
        return name.equalsIgnoreCase("content-length");
      case 17:
        return name.equalsIgnoreCase("transfer-encoding");
      case 18:
        return name.equalsIgnoreCase("proxy-authenticate");
      case 19:
        return name.equalsIgnoreCase("proxy-authorization");
      default:
        return false;
    }
  }

  private final HttpClient client;
  private final Router router;
  private final Authenticator auth;
  private final RetryBudget retryBudget;
  private final GatewayRateLimiter rateLimiter;
  private final GatewayConfig config;
  private final Buffer modelsJson;
  private final long firstByteMs;
  private final TimeoutSweeper timeouts;
  private final int maxBodyBytes;

  private static final int DEPOSIT_BATCH = 16;
  /** Requests since this event loop last paid into the retry budget (one handler per loop). */
  private int requestsSinceDeposit;

  /**
   * Keys this event loop has already checked, so a client's key is hashed once rather than on every
   * request. Bounded: cleared when full. Holds only keys that exist (a wrong key is never cached).
   */
  private final HashMap<String, ApiKey> knownKeys = new HashMap<>();

  private static final int KNOWN_KEYS_MAX = 4096;

  /** Output tokens assumed for the rate limiter's reservation when a request gives no max_tokens. */
  static final int DEFAULT_MAX_TOKENS = 256;

  private static final ApiKey ANONYMOUS = new ApiKey(new byte[32], "anonymous", "standard", false);

  public ProxyHandler(
      HttpClient client,
      Router router,
      Authenticator auth,
      RetryBudget retryBudget,
      GatewayRateLimiter rateLimiter,
      GatewayConfig config,
      Buffer modelsJson) {
    this.client = client;
    this.router = router;
    this.auth = auth;
    this.retryBudget = retryBudget;
    this.rateLimiter = rateLimiter;
    this.config = config;
    this.modelsJson = modelsJson;
    this.firstByteMs = config.timeouts().firstByte().toMillis();
    this.timeouts = new TimeoutSweeper(firstByteMs, config.timeouts().idleStream().toMillis());
    this.maxBodyBytes = config.limits().maxBodyBytes();
  }

  /** Starts checking timeouts on the calling event loop; returns the timer's id. */
  public long startTimeouts(Vertx vertx) {
    return vertx.setPeriodic(timeouts.intervalMillis(), id -> timeouts.sweep(System.nanoTime()));
  }

  @Override
  public void handle(HttpServerRequest req) {
    String path = req.path();
    switch (path) {
      case "/v1/chat/completions", "/v1/completions", "/v1/embeddings" -> {
        if (req.method() != HttpMethod.POST) {
          OpenAiError.METHOD_NOT_ALLOWED.send(req.response(), "Use POST for " + path + ".", null);
          return;
        }
        ApiKey key = authenticate(req);
        if (key != null) {
          readBody(req, key);
        }
      }
      case "/v1/models" -> {
        if (req.method() != HttpMethod.GET) {
          OpenAiError.METHOD_NOT_ALLOWED.send(req.response(), "Use GET for /v1/models.", null);
          return;
        }
        if (authenticate(req) != null) {
          req.response().putHeader("content-type", "application/json").end(modelsJson);
        }
      }
      default -> OpenAiError.NOT_FOUND.send(req.response(), "Unknown request URL: " + req.method() + " " + path + ".", null);
    }
  }

  /** The caller's key, or null after answering 401. With no keys configured, everyone is anonymous. */
  private ApiKey authenticate(HttpServerRequest req) {
    if (!auth.hasKeys()) {
      return ANONYMOUS;
    }
    String header = req.getHeader("authorization");
    ApiKey key = header == null ? null : knownKeys.get(header);
    if (key == null) {
      key = auth.authenticate(header);
      if (key != null) {
        if (knownKeys.size() >= KNOWN_KEYS_MAX) {
          knownKeys.clear();
        }
        knownKeys.put(header, key);
      }
    }
    if (key == null) {
      OpenAiError.UNAUTHORIZED.send(
          req.response(), "Incorrect API key provided. Send it as 'Authorization: Bearer KEY'.", null);
    }
    return key;
  }

  private void readBody(HttpServerRequest req, ApiKey key) {
    String length = req.getHeader("content-length");
    long declared = -1;
    if (length != null) {
      try {
        declared = Long.parseLong(length.trim());
      } catch (NumberFormatException e) {
        declared = -2;
      }
      if (declared < 0) {
        OpenAiError.BAD_REQUEST.send(req.response(), "Invalid Content-Length.", null);
        return;
      }
      if (declared > maxBodyBytes) {
        tooLarge(req);
        return;
      }
    }
    Buffer body = Buffer.buffer(declared >= 0 ? (int) declared : 1024);
    boolean[] failed = {false};
    req.handler(
        chunk -> {
          if (failed[0]) {
            return;
          }
          if (body.length() + chunk.length() > maxBodyBytes) {
            failed[0] = true;
            tooLarge(req);
            return;
          }
          body.appendBuffer(chunk);
        });
    req.endHandler(
        v -> {
          if (!failed[0]) {
            route(req, key, body);
          }
        });
    req.exceptionHandler(err -> failed[0] = true);
  }

  private void tooLarge(HttpServerRequest req) {
    // Close the connection once the answer is out rather than read the rest of a huge body.
    req.response().putHeader("connection", "close");
    OpenAiError.TOO_LARGE.send(
        req.response(), "The request body is larger than the limit of " + maxBodyBytes + " bytes.", null);
  }

  private void route(HttpServerRequest req, ApiKey key, Buffer body) {
    RequestFields fields;
    try {
      fields = RequestFields.parse(body.getBytes());
    } catch (RequestFields.BadRequest e) {
      OpenAiError.INVALID_JSON.send(req.response(), e.getMessage(), e.param());
      return;
    }
    if (fields.model() == null || fields.model().isEmpty()) {
      OpenAiError.BAD_REQUEST.send(req.response(), "You must provide a model parameter.", "model");
      return;
    }
    ReplicaPool pool = router.poolFor(fields.model());
    if (pool == null) {
      OpenAiError.MODEL_NOT_FOUND.send(
          req.response(), "The model `" + fields.model() + "` does not exist.", "model");
      return;
    }
    if (rateLimiter == null) {
      admit(req, key, body, fields, pool, Reservation.NONE);
      return;
    }
    long estimate = body.length() / 4 + (fields.maxTokens() > 0 ? fields.maxTokens() : DEFAULT_MAX_TOKENS);
    rateLimiter
        .acquire(Vertx.currentContext(), key.digestHex(), key.tier(), estimate)
        .onComplete(
            ar -> {
              HttpServerResponse resp = req.response();
              if (ar.failed()) {
                resp.putHeader("retry-after", "1");
                OpenAiError.OVERLOADED.send(resp, "The rate limiter is unavailable. Retry later.", null);
                return;
              }
              RateDecision d = ar.result().decision();
              RateLimitHeaders.add(resp.headers(), d);
              if (d.allowed()) {
                admit(req, key, body, fields, pool, ar.result().reservation());
              } else if (d.outcome() == RateDecision.Outcome.UNAVAILABLE) {
                RateLimitHeaders.addRetryAfter(resp.headers(), d.retryAfterNanos());
                OpenAiError.OVERLOADED.send(resp, "The rate limiter is unavailable. Retry later.", null);
              } else if (d.neverFits()) {
                OpenAiError.RATE_LIMITED_TOKENS.send(
                    resp,
                    "This request needs about " + estimate + " tokens, more than your limit of "
                        + d.limitTokens() + " per minute allows at once. Lower max_tokens.",
                    "max_tokens");
              } else {
                RateLimitHeaders.addRetryAfter(resp.headers(), d.retryAfterNanos());
                boolean tokens = d.limitedBy().tokens();
                (tokens ? OpenAiError.RATE_LIMITED_TOKENS : OpenAiError.RATE_LIMITED)
                    .send(
                        resp,
                        "Rate limit reached for " + (d.limitedBy().tier() ? "tier " + key.tier() : "your key")
                            + " on " + (tokens ? "tokens" : "requests") + " per minute. Retry after the time in the retry-after header.",
                        null);
              }
            });
  }

  /** Rate limit passed: into the pool's admission queue, or straight to a replica. */
  private void admit(
      HttpServerRequest req, ApiKey key, Buffer body, RequestFields fields, ReplicaPool pool, Reservation reservation) {
    // Deposits go to the shared budget in batches, so the event loops do not contend on it per request.
    if (++requestsSinceDeposit == DEPOSIT_BATCH) {
      requestsSinceDeposit = 0;
      retryBudget.onRequests(DEPOSIT_BATCH);
    }
    RequestInfo info = new RequestInfo(fields.model(), 0, fields.maxTokens(), key.tenant(), key.tier());
    PoolAdmission admission = pool.admission();
    if (admission == null) {
      new Exchange(req, body, fields, pool, info, reservation).attempt();
      return;
    }
    if (config.admission().forwardPriority() && fields.priority() == 0) {
      body = withPriority(body, config.admission().priorityOf(key.tier()));
    }
    Exchange exchange = new Exchange(req, body, fields, pool, info, reservation);
    if (admission.admit(exchange, key.tier(), key.tenant(), fields.priority())) {
      exchange.attempt();
    } else {
      exchange.waiting = true;
    }
  }

  /** The body with vLLM's {@code priority} field added first (lower runs earlier in vLLM too). */
  static Buffer withPriority(Buffer body, int priority) {
    String head = "{\"priority\":" + priority;
    int i = 0;
    while (i < body.length() && Character.isWhitespace(body.getByte(i))) {
      i++;
    }
    // Just past the opening brace; a comma unless the object is empty.
    int j = i + 1;
    while (j < body.length() && Character.isWhitespace(body.getByte(j))) {
      j++;
    }
    boolean empty = j < body.length() && body.getByte(j) == '}';
    Buffer out = Buffer.buffer(body.length() + head.length() + 1);
    out.appendString(head);
    if (!empty) {
      out.appendString(",");
    }
    out.appendBuffer(body, i + 1, body.length() - i - 1);
    return out;
  }

  /** One client request and its tries. Lives on the event loop of the client's connection. */
  private final class Exchange implements PoolAdmission.Waiter, TimeoutSweeper.Watched {
    final HttpServerRequest req;
    final HttpServerResponse resp;
    final Buffer body;
    final RequestFields fields;
    final ReplicaPool pool;
    final RequestInfo info;
    List<Replica> tried;
    int attempts;
    final Context context;
    /** Tokens reserved by the rate limiter, settled from the response's usage. */
    final Reservation reservation;
    final UsageSniffer usage;
    HttpClientRequest upstreamRequest;
    boolean clientGone;
    /** In the admission queue. */
    boolean waiting;
    /** For the timeout sweeper: when the current try went out, when its last bytes came. */
    long sentAt = -1;
    long lastActivity = -1;
    boolean watched;
    boolean done;

    @Override
    public boolean done() {
      return done || clientGone || resp.ended() || resp.closed();
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
      if (upstreamRequest != null) {
        upstreamRequest.reset(0, cause);
      }
    }

    /** Set by the timeout sweeper: Vert.x may report the reset it causes in its own words. */
    TimeoutException timedOut;

    Exchange(
        HttpServerRequest req, Buffer body, RequestFields fields, ReplicaPool pool, RequestInfo info,
        Reservation reservation) {
      this.reservation = reservation;
      this.usage = reservation == Reservation.NONE ? null : new UsageSniffer();
      this.req = req;
      this.resp = req.response();
      this.body = body;
      this.fields = fields;
      this.pool = pool;
      this.info = info;
      this.context = Vertx.currentContext();
      resp.closeHandler(
          v -> {
            clientGone = true;
            // The replica may have produced tokens already: keep what was reserved.
            reservation.settle(reservation.reservedTokens());
            if (waiting) {
              pool.admission().remove(this);
            }
            if (upstreamRequest != null) {
              upstreamRequest.reset();
            }
          });
    }

    @Override
    public Context context() {
      return context;
    }

    @Override
    public String tier() {
      return info.tier();
    }

    @Override
    public void dispatch() {
      waiting = false;
      if (clientGone) {
        pool.admission().drain();
        return;
      }
      attempt();
    }

    @Override
    public void shed(String reason, int retryAfterSeconds) {
      waiting = false;
      reservation.settle(0);
      resp.putHeader("retry-after", Integer.toString(retryAfterSeconds));
      OpenAiError.OVERLOADED.send(resp, "The service is overloaded: " + reason + " Retry later.", null);
    }

    /** The try on {@code replica} is over: account for it and give its slot to a waiting request. */
    void finished(Replica replica, long stamp, boolean ok) {
      replica.onComplete(stamp, ok);
      PoolAdmission admission = pool.admission();
      if (admission != null) {
        admission.drain();
      }
    }

    /** Corrects the reservation to the tokens the response reported using (or keeps it). */
    private void settleFromUsage() {
      if (usage != null) {
        long used = usage.totalTokens();
        reservation.settle(used >= 0 ? used : reservation.reservedTokens());
      }
    }

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
        OpenAiError.NO_REPLICA.send(
            resp,
            tried == null
                ? "No healthy replica is available for model `" + fields.model() + "`."
                : "Every replica tried for model `" + fields.model() + "` failed.",
            null);
        return;
      }
      Replica replica = pick.replica();
      UpstreamReplica upstream = pool.get(replica.index());
      long stamp = replica.onDispatch();
      client
          .request(HttpMethod.POST, upstream.port(), upstream.host(), req.uri())
          .onComplete(
              ar -> {
                if (ar.failed()) {
                  failedBeforeResponse(replica, upstream, stamp, ar.cause());
                  return;
                }
                HttpClientRequest creq = ar.result();
                copyRequestHeaders(req.headers(), creq.headers());
                upstreamRequest = creq;
                sentAt = System.nanoTime();
                lastActivity = -1;
                if (!watched) {
                  watched = true;
                  timeouts.watch(this);
                }
                if (clientGone) {
                  creq.reset();
                  finished(replica, stamp, true);
                  return;
                }
                creq.send(body)
                    .onComplete(
                        rr -> {
                          if (rr.failed()) {
                            failedBeforeResponse(replica, upstream, stamp, rr.cause());
                          } else {
                            onResponse(creq, rr.result(), replica, upstream, stamp);
                          }
                        });
              });
    }

    private void failedBeforeResponse(Replica replica, UpstreamReplica upstream, long stamp, Throwable cause) {
      sentAt = -1;
      finished(replica, stamp, false);
      if (clientGone) {
        return;
      }
      pool.outcomes().onFailure(upstream);
      if (timedOut != null || cause instanceof TimeoutException) {
        // A replica that took too long is not retried: the retry would likely wait as long again.
        reservation.settle(0);
        OpenAiError.TIMEOUT.send(resp, "The model did not start answering within " + firstByteMs + " ms.", null);
        return;
      }
      retryOrFail(replica, "Could not reach a replica: " + cause.getMessage());
    }

    /** The next try must go elsewhere. */
    private void markTried(Replica replica) {
      if (tried == null) {
        tried = new ArrayList<>(2);
      }
      tried.add(replica);
    }

    private void retryOrFail(Replica failed, String message) {
      markTried(failed);
      if (attempts < config.retries().maxAttempts() && retryBudget.tryRetry()) {
        attempt();
      } else {
        reservation.settle(0);
        OpenAiError.UPSTREAM_FAILED.send(resp, message, null);
      }
    }

    private void onResponse(
        HttpClientRequest creq, HttpClientResponse upstreamResp, Replica replica, UpstreamReplica upstream, long stamp) {
      int status = upstreamResp.statusCode();
      if (status >= 500 && attempts < config.retries().maxAttempts()) {
        // Nothing has reached the client yet: drop this answer and try elsewhere if the budget allows.
        if (retryBudget.tryRetry()) {
          upstreamResp.exceptionHandler(ignored -> {}); // the reset below is ours
          creq.reset();
          finished(replica, stamp, false);
          pool.outcomes().onFailure(upstream);
          markTried(replica);
          attempt();
          return;
        }
      }
      lastActivity = System.nanoTime();
      resp.setStatusCode(status);
      String statusMessage = upstreamResp.statusMessage();
      if (statusMessage != null) {
        resp.setStatusMessage(statusMessage);
      }
      MultiMap headers = resp.headers();
      boolean sse = false;
      for (Map.Entry<String, String> h : upstreamResp.headers()) {
        String name = h.getKey();
        if (!notForwarded(name)) {
          headers.add(name, h.getValue());
          if (name.equalsIgnoreCase("content-type") && h.getValue().startsWith("text/event-stream")) {
            sse = true;
          }
        }
      }
      String length = upstreamResp.getHeader("content-length");
      // Bytes of a sized body still to come; the chunk that completes it ends the response in the
      // same write (one flush, not two). -1: unsized, or chunked.
      long[] remaining = {-1};
      if (length != null) {
        resp.putHeader("content-length", length);
        remaining[0] = parseLength(length);
      } else {
        resp.setChunked(true);
      }
      boolean stream = sse;
      boolean[] first = {true};
      upstreamResp.handler(
          chunk -> {
            lastActivity = System.nanoTime();
            if (first[0]) {
              first[0] = false;
              replica.onFirstByte(stamp);
            }
            if (usage != null) {
              usage.accept(chunk);
            }
            if (clientGone) {
              return;
            }
            if (remaining[0] > 0 && (remaining[0] -= chunk.length()) == 0) {
              resp.end(chunk);
              return;
            }
            resp.write(chunk);
            if (resp.writeQueueFull()) {
              upstreamResp.pause();
              resp.drainHandler(v -> upstreamResp.resume());
            }
          });
      upstreamResp.endHandler(
          v -> {
            if (first[0]) {
              replica.onFirstByte(stamp);
            }
            boolean ok = status < 500;
            done = true;
            finished(replica, stamp, ok);
            settleFromUsage();
            if (ok) {
              pool.outcomes().onSuccess(upstream);
            } else {
              pool.outcomes().onFailure(upstream);
            }
            if (!clientGone && !resp.ended()) {
              resp.end();
            }
          });
      upstreamResp.exceptionHandler(
          err -> {
            lastActivity = -1;
            finished(replica, stamp, false);
            settleFromUsage();
            pool.outcomes().onFailure(upstream);
            if (clientGone || resp.ended()) {
              // Gone, or already answered in full (the last chunk ended the response).
              return;
            }
            if (!resp.headWritten()) {
              // Nothing reached the client: this is still a failure before the first byte.
              resp.headers().clear();
              resp.setChunked(false);
              retryOrFail(replica, "The replica failed before answering: " + err.getMessage());
            } else if (stream) {
              resp.end(
                  OpenAiError.UPSTREAM_FAILED.sseEvent(
                      "The replica failed mid-stream: " + (timedOut != null ? timedOut : err).getMessage()));
            } else {
              // A plain body cannot carry an error now; reset so the client sees the cut.
              resp.reset();
            }
          });
    }
  }

  /** A Content-Length's value, or -1 if it is not a plain non-negative number. */
  static long parseLength(String value) {
    try {
      long n = Long.parseLong(value.trim());
      return n >= 0 ? n : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static void copyRequestHeaders(MultiMap from, MultiMap to) {
    for (Map.Entry<String, String> h : from) {
      if (!notForwarded(h.getKey())) {
        to.add(h.getKey(), h.getValue());
      }
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
