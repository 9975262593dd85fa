package dev.switchboard.gateway.proxy;

import dev.switchboard.core.Clock;
import dev.switchboard.core.event.Decisions;
import dev.switchboard.core.event.RateLimited;
import dev.switchboard.core.fleet.ReplicaGroup;
import dev.switchboard.core.replica.Replica;
import dev.switchboard.core.ratelimit.RateDecision;
import dev.switchboard.core.ratelimit.RateLimitResult;
import dev.switchboard.core.ratelimit.Reservation;
import dev.switchboard.core.request.RequestInfo;
import dev.switchboard.core.retry.RetryBudget;
import dev.switchboard.core.retry.RetryRule;
import dev.switchboard.gateway.auth.ApiKey;
import dev.switchboard.gateway.auth.Authenticator;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.http.ClientRequest;
import dev.switchboard.gateway.openai.OpenAiError;
import dev.switchboard.gateway.openai.RequestFields;
import dev.switchboard.gateway.ratelimit.GatewayRateLimiter;
import dev.switchboard.gateway.ratelimit.RateLimitHeaders;
import dev.switchboard.gateway.upstream.ReplicaPool;
import dev.switchboard.gateway.upstream.Router;
import dev.switchboard.gateway.upstream.UpstreamReplica;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.EventLoop;
import io.netty.resolver.AddressResolverGroup;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The data plane of one event loop: what a request meets before its exchange with the replicas
 * (path, key, body, routing fields, rate limit) up to handing it, with its pool, to an
 * {@link Exchange}; and the loop's own state: its connections to clients and to replicas, its
 * timeout sweep, its cache of checked keys. Nothing here is shared with another loop, so none of it
 * needs a lock.
 */
final class LoopProxy {
  /** Output tokens assumed for the rate limiter's reservation when a request gives no max_tokens. */
  static final int DEFAULT_MAX_TOKENS = 256;

  private static final System.Logger LOG = System.getLogger(LoopProxy.class.getName());
  private static final ApiKey ANONYMOUS = new ApiKey(new byte[32], "anonymous", "standard", false);
  private static final int KNOWN_KEYS_MAX = 4096;
  private static final int DEPOSIT_BATCH = 16;
  /** Idle connections to replicas are closed after this long. */
  private static final long MAX_IDLE_NANOS = 120_000_000_000L;

  final EventLoop loop;
  private final Router router;
  private final GatewayConfig config;
  private final RetryBudget retryBudget;
  private final Clock clock;
  private final TimeoutSweeper timeouts;
  private final ConnectionsToReplicas replicas;
  /** What this loop's exchanges share. */
  private final ExchangeContext context;
  private final Authenticator auth;
  private final GatewayRateLimiter rateLimiter;
  private final String modelsJson;
  private final Set<ClientConnection> connections = new HashSet<>();
  /** Client connections open on every loop, for the drain to wait on. */
  private final AtomicInteger openClients;

  /**
   * Keys this loop has already checked, so a client's key is hashed once rather than on every
   * request. Bounded: cleared when full. Holds only keys that exist (a wrong key is never cached).
   */
  private final HashMap<String, ApiKey> knownKeys = new HashMap<>();

  /** Requests since this loop last paid into the retry budget. */
  private int requestsSinceDeposit;

  private boolean draining;

  LoopProxy(
      EventLoop loop, Router router, Authenticator auth, RetryBudget retryBudget, GatewayRateLimiter rateLimiter,
      GatewayConfig config, String modelsJson, int connectionsPerReplica,
      AddressResolverGroup<? extends SocketAddress> resolver, AtomicInteger openClients, Clock clock,
      Decisions decisions) {
    this.openClients = openClients;
    this.loop = loop;
    this.router = router;
    this.auth = auth;
    this.retryBudget = retryBudget;
    this.rateLimiter = rateLimiter;
    this.config = config;
    this.modelsJson = modelsJson;
    this.clock = clock;
    long firstByteMs = config.timeouts().firstByte().toMillis();
    this.timeouts = new TimeoutSweeper(firstByteMs, config.timeouts().idleStream().toMillis());
    int connectMs = (int) Math.min(Integer.MAX_VALUE, config.timeouts().connect().toMillis());
    this.replicas = ConnectionsToReplicas.onLoop(loop, connectMs, connectionsPerReplica, resolver, clock);
    this.context =
        new ExchangeContext(
            loop, clock, new RetryRule(config.retries().maxAttempts(), retryBudget), timeouts, replicas, firstByteMs,
            config.admission(), decisions);
    for (ReplicaPool pool : router.pools()) {
      pool.group().subscribe(new ForgetOnLeave(loop, replicas));
    }
  }

  /** A replica that left its pool: this loop closes its connections to it, on the loop. */
  private record ForgetOnLeave(EventLoop loop, ConnectionsToReplicas replicas)
      implements ReplicaGroup.Listener<UpstreamReplica> {
    @Override
    public void left(Replica replica, UpstreamReplica endpoint) {
      loop.execute(() -> replicas.forget(endpoint));
    }
  }

  /** How often {@link #sweep()} is to run. */
  long sweepIntervalMillis() {
    return timeouts.intervalMillis();
  }

  /** A new client connection's handler on this loop. */
  ClientConnection newConnection() {
    return new ClientConnection(this, config.limits().maxBodyBytes());
  }

  /** The periodic work of this loop: timeouts, and idle connections to replicas. */
  void sweep() {
    try {
      long now = clock.nanoTime();
      timeouts.sweep(now);
      replicas.closeIdle(now, MAX_IDLE_NANOS);
    } catch (RuntimeException e) {
      // A periodic task that throws is never run again: log, and keep sweeping.
      LOG.log(System.Logger.Level.ERROR, "timeout sweep failed", e);
    }
  }

  void opened(ClientConnection c) {
    connections.add(c);
    openClients.incrementAndGet();
    if (draining) {
      c.drain();
    }
  }

  void closed(ClientConnection c) {
    if (connections.remove(c)) {
      openClients.decrementAndGet();
    }
  }

  /** The drain's time is up: closes what is still open. */
  void closeAll() {
    for (ClientConnection c : List.copyOf(connections)) {
      c.close();
    }
  }

  /** Stops this loop's connections as they become idle, and its pools as their exchanges end. */
  void drain() {
    draining = true;
    for (ClientConnection c : List.copyOf(connections)) {
      c.drain();
    }
    replicas.close();
  }

  // --- Requests ---

  /**
   * A request's head: answers what can be answered now, and returns the caller's key when the body
   * is to be read and routed; null when answered.
   */
  ApiKey onRequest(ClientConnection c, ClientRequest req) {
    String path = req.path();
    switch (path) {
      case "/v1/chat/completions", "/v1/completions", "/v1/embeddings" -> {
        if (!req.isPost()) {
          c.sendError(OpenAiError.METHOD_NOT_ALLOWED, "Use POST for " + path + ".", null);
          return null;
        }
        return authenticate(c, req);
      }
      case "/v1/models" -> {
        if (!req.isGet()) {
          c.sendError(OpenAiError.METHOD_NOT_ALLOWED, "Use GET for /v1/models.", null);
        } else if (authenticate(c, req) != null) {
          c.sendJson(200, modelsJson);
        }
        return null;
      }
      default -> {
        c.sendError(OpenAiError.NOT_FOUND, "Unknown request URL: " + req.method() + " " + path + ".", null);
        return null;
      }
    }
  }

  /** The caller's key, or null after answering 401. With no keys configured, everyone is anonymous. */
  private ApiKey authenticate(ClientConnection c, ClientRequest req) {
    if (!auth.hasKeys()) {
      return ANONYMOUS;
    }
    String header = req.authorization();
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
      c.sendError(OpenAiError.UNAUTHORIZED, "Incorrect API key provided. Send it as 'Authorization: Bearer KEY'.", null);
    }
    return key;
  }

  /** A whole request: parse its routing fields, pick its pool, check its rate limit. Owns {@code body}. */
  void route(ClientConnection c, ClientRequest req, ApiKey key, ByteBuf body) {
    RequestFields fields;
    try {
      fields = body.hasArray()
          ? RequestFields.parse(body.array(), body.arrayOffset() + body.readerIndex(), body.readableBytes())
          : RequestFields.parse(ByteBufUtil.getBytes(body));
    } catch (RequestFields.BadRequest e) {
      body.release();
      c.sendError(OpenAiError.INVALID_JSON, e.getMessage(), e.param());
      return;
    }
    if (fields.model() == null || fields.model().isEmpty()) {
      body.release();
      c.sendError(OpenAiError.BAD_REQUEST, "You must provide a model parameter.", "model");
      return;
    }
    ReplicaPool pool = router.poolFor(fields.model());
    if (pool == null) {
      body.release();
      c.sendError(OpenAiError.MODEL_NOT_FOUND, "The model `" + fields.model() + "` does not exist.", "model");
      return;
    }
    if (rateLimiter == null) {
      admit(c, req, key, body, fields, pool, Reservation.NONE);
      return;
    }
    long estimate = body.readableBytes() / 4 + (fields.maxTokens() > 0 ? fields.maxTokens() : DEFAULT_MAX_TOKENS);
    if (rateLimiter.decidesAtOnce()) {
      decided(c, req, key, body, fields, pool, estimate, rateLimiter.acquireNow(key.digestHex(), key.tier(), estimate), null);
      return;
    }
    rateLimiter
        .acquire(key.digestHex(), key.tier(), estimate)
        .whenCompleteAsync((result, error) -> decided(c, req, key, body, fields, pool, estimate, result, error), loop);
  }

  private void decided(
      ClientConnection c, ClientRequest req, ApiKey key, ByteBuf body, RequestFields fields, ReplicaPool pool,
      long estimate, RateLimitResult result, Throwable error) {
    if (error != null) {
      body.release();
      c.extraHeaders().set(RateLimitHeaders.RETRY_AFTER, "1");
      c.sendError(OpenAiError.OVERLOADED, "The rate limiter is unavailable. Retry later.", null);
      return;
    }
    RateDecision d = result.decision();
    c.rateLimitHeaders(d);
    if (d.allowed()) {
      if (c.ended()) {
        // The client left while the decision was made in Redis: give the tokens back.
        result.reservation().settle(0);
        body.release();
        return;
      }
      admit(c, req, key, body, fields, pool, result.reservation());
      return;
    }
    body.release();
    Decisions decisions = context.decisions();
    if (d.outcome() != RateDecision.Outcome.UNAVAILABLE && decisions.active()) {
      decisions.publish(
          new RateLimited(clock.nanoTime(), pool.name(), key.tenant(), key.tier(), d.limitedBy().tokens()));
    }
    if (d.outcome() == RateDecision.Outcome.UNAVAILABLE) {
      RateLimitHeaders.addRetryAfter(c.extraHeaders(), d.retryAfterNanos());
      c.sendError(OpenAiError.OVERLOADED, "The rate limiter is unavailable. Retry later.", null);
    } else if (d.neverFits()) {
      c.sendError(
          OpenAiError.RATE_LIMITED_TOKENS,
          "This request needs about " + estimate + " tokens, more than your limit of " + d.limitTokens()
              + " per minute allows at once. Lower max_tokens.",
          "max_tokens");
    } else {
      RateLimitHeaders.addRetryAfter(c.extraHeaders(), d.retryAfterNanos());
      boolean tokens = d.limitedBy().tokens();
      c.sendError(
          tokens ? OpenAiError.RATE_LIMITED_TOKENS : OpenAiError.RATE_LIMITED,
          "Rate limit reached for " + (d.limitedBy().tier() ? "tier " + key.tier() : "your key") + " on "
              + (tokens ? "tokens" : "requests") + " per minute. Retry after the time in the retry-after header.",
          null);
    }
  }

  /** Rate limit passed: to the pool, as an exchange, which queues it or tries a replica at once. */
  private void admit(
      ClientConnection c, ClientRequest req, ApiKey key, ByteBuf body, RequestFields fields, ReplicaPool pool,
      Reservation reservation) {
    // Deposits go to the shared budget in batches, so the loops do not contend on it per request.
    if (++requestsSinceDeposit == DEPOSIT_BATCH) {
      requestsSinceDeposit = 0;
      retryBudget.onRequests(DEPOSIT_BATCH);
    }
    RequestInfo info = new RequestInfo(fields.model(), 0, fields.maxTokens(), key.tenant(), key.tier());
    Exchange exchange = new Exchange(context, c, req, body, fields, pool, info, reservation);
    c.attach(exchange);
    exchange.start();
  }
}
