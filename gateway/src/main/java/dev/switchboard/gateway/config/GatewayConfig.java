package dev.switchboard.gateway.config;

import dev.switchboard.config.AdmissionConfig;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.Node;
import dev.switchboard.config.RetryConfig;
import dev.switchboard.config.Yaml;
import dev.switchboard.core.balance.BalancerOptions;
import dev.switchboard.core.balance.Balancers;
import dev.switchboard.gateway.auth.ApiKey;
import dev.switchboard.gateway.ratelimit.RateLimitConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The gateway's configuration, read from one YAML file and validated: every error names its field
 * ({@code pools[0].replicas[1].url: ...}). See {@code docs/gateway.md} for the reference.
 */
public record GatewayConfig(
    Listener data,
    Listener admin,
    List<PoolConfig> pools,
    BalancerOptions balancerOptions,
    Duration decay,
    List<ApiKey> keys,
    Timeouts timeouts,
    Limits limits,
    Retries retries,
    HealthConfig health,
    AdmissionConfig admission,
    RateLimitConfig rateLimit) {

  /**
   * Where a server listens. {@code reusePort}: one listening socket per event loop on the same
   * port (Linux's {@code SO_REUSEPORT}), so the kernel spreads connections over the loops and none
   * is handed from one loop to another; the data listener only.
   */
  public record Listener(String host, int port, boolean reusePort) {}

  /** Static replicas serving a set of models, and how to pick among them. */
  public record PoolConfig(String name, List<String> models, String balancer, List<Upstream> replicas) {}

  /** One replica's address. */
  public record Upstream(String id, String host, int port, double weight) {}

  public record Timeouts(Duration connect, Duration firstByte, Duration idleStream, Duration drain) {}

  public record Limits(int maxBodyBytes) {}

  /**
   * @param maxAttempts tries per request including the first
   * @param budgetPercent retries allowed as a percentage of requests
   * @param budgetMinPerSecond retries always allowed per second, however few the requests
   */
  public record Retries(int maxAttempts, double budgetPercent, double budgetMinPerSecond) {}

  /**
   * @param probeInterval how often each replica's {@code /health} is probed
   * @param probeTimeout how long a probe may take
   * @param scrapeInterval how often each replica's {@code /metrics} is read (0 = never)
   * @param consecutiveFailures failures in a row that eject a replica
   * @param baseEjection first ejection time; doubles with each ejection in a row
   * @param maxEjection cap on the ejection time
   * @param maxEjectedPercent never eject more than this share of a pool
   */
  public record HealthConfig(
      Duration probeInterval,
      Duration probeTimeout,
      Duration scrapeInterval,
      int consecutiveFailures,
      Duration baseEjection,
      Duration maxEjection,
      double maxEjectedPercent) {}

  public static GatewayConfig load(Path file) {
    return parse(Yaml.readFile(file));
  }


  public static GatewayConfig parse(Node root) {
    root.allowOnly(
        "listen", "pools", "balancer", "keys", "timeouts", "limits", "retries", "health", "admission",
        "ratelimit");
    Node listen = root.get("listen").allowOnly("data", "admin");
    Listener data = listener(listen.get("data"), 8080, true);
    Listener admin = listener(listen.get("admin"), 8081, false);
    if (data.port() != 0 && data.port() == admin.port() && data.host().equals(admin.host())) {
      throw listen.error("admin.port", "must differ from data.port (" + data.port() + ")");
    }
    Node balancer = root.get("balancer").allowOnly("decay_s", "llm_aware");
    Duration decay = seconds(balancer, "decay_s", 10);
    Node llm = balancer.get("llm_aware").allowOnly("queue", "kv_cache", "in_flight");
    BalancerOptions options;
    try {
      options =
          new BalancerOptions(
              new BalancerOptions.LlmAwareWeights(
                  llm.nonNegative("queue", 1), llm.nonNegative("kv_cache", 1), llm.nonNegative("in_flight", 1)));
    } catch (IllegalArgumentException e) {
      throw balancer.error("llm_aware", e.getMessage());
    }
    List<PoolConfig> pools = pools(root);
    List<ApiKey> keys = keys(root);
    Node t = root.get("timeouts").allowOnly("connect_ms", "first_byte_ms", "idle_stream_ms", "drain_s");
    Timeouts timeouts =
        new Timeouts(
            millis(t, "connect_ms", 2000),
            millis(t, "first_byte_ms", 60_000),
            millis(t, "idle_stream_ms", 30_000),
            seconds(t, "drain_s", 30));
    Node l = root.get("limits").allowOnly("max_body_bytes");
    long maxBody = l.positiveInteger("max_body_bytes", 4 * 1024 * 1024);
    if (maxBody > 256L * 1024 * 1024) {
      throw l.error("max_body_bytes", "must be <= 268435456, was " + maxBody);
    }
    RetryConfig r = RetryConfig.parse(root.get("retries"));
    Retries retries = new Retries(r.maxAttempts(), r.budgetPercent(), r.budgetMinPerSecond());
    // Probes and outlier ejection are read as a scenario reads them; timeout and scrape are ours.
    Node h = root.get("health");
    dev.switchboard.config.HealthConfig shared =
        dev.switchboard.config.HealthConfig.parse(h, "probe_timeout_ms", "scrape_interval_ms");
    HealthConfig health =
        new HealthConfig(
            shared.probeInterval(),
            millis(h, "probe_timeout_ms", 1000),
            Duration.ofMillis(Math.round(h.nonNegative("scrape_interval_ms", 100))),
            shared.outlier().consecutiveFailures(),
            shared.outlier().baseEjection(),
            shared.outlier().maxEjection(),
            shared.outlier().maxEjectedPercent());
    AdmissionConfig admission = AdmissionConfig.parseOptional(root.get("admission"));
    if (admission != null) {
      List<Node> keyNodes = root.list("keys");
      for (int i = 0; i < keys.size(); i++) {
        if (admission.priorityOf(keys.get(i).tier()) < 0) {
          throw keyNodes.get(i).error(
              "tier", "'" + keys.get(i).tier() + "' is not one of admission.tiers " + admission.tierNames());
        }
      }
    }
    RateLimitConfig rateLimit = RateLimitConfig.parse(root.get("ratelimit"));
    return new GatewayConfig(
        data, admin, pools, options, decay, keys, timeouts, new Limits((int) maxBody), retries, health,
        admission, rateLimit);
  }

  private static Listener listener(Node n, int defaultPort, boolean data) {
    if (data) {
      n.allowOnly("host", "port", "reuse_port");
    } else {
      n.allowOnly("host", "port");
    }
    String host = n.string("host", "127.0.0.1");
    if (host.isBlank()) {
      throw n.error("host", "must not be empty");
    }
    long port = n.integer("port", defaultPort);
    if (port < 0 || port > 65535) {
      throw n.error("port", "must be 0..65535, was " + port);
    }
    return new Listener(host, (int) port, data && n.bool("reuse_port", true));
  }

  private static List<PoolConfig> pools(Node root) {
    List<Node> list = root.list("pools");
    if (list.isEmpty()) {
      throw root.error("pools", "name at least one pool");
    }
    List<PoolConfig> pools = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<String> models = new HashSet<>();
    for (Node p : list) {
      p.allowOnly("name", "models", "balancer", "replicas");
      String name = p.string("name");
      if (name.isBlank() || !names.add(name)) {
        throw p.error("name", "must be unique and non-empty, was '" + name + "'");
      }
      List<String> served = new ArrayList<>();
      for (Node m : p.list("models")) {
        String model = m.asString();
        if (model.isBlank()) {
          throw m.error("must not be empty");
        }
        if (!models.add(model)) {
          throw m.error("model '" + model + "' is served by two pools");
        }
        served.add(model);
      }
      if (served.isEmpty()) {
        throw p.error("models", "name at least one model this pool serves");
      }
      String balancer = p.string("balancer", "peak-ewma");
      if (!Balancers.exists(balancer)) {
        throw p.error("balancer", "unknown balancer '" + balancer + "' (known: " + String.join(", ", Balancers.names()) + ")");
      }
      List<Upstream> replicas = new ArrayList<>();
      Set<String> ids = new HashSet<>();
      for (Node r : p.list("replicas")) {
        r.allowOnly("url", "id", "weight");
        Upstream u = upstream(r);
        if (!ids.add(u.id())) {
          throw r.error("id", "must be unique in the pool, was '" + u.id() + "'");
        }
        replicas.add(u);
      }
      if (replicas.isEmpty()) {
        throw p.error("replicas", "name at least one replica");
      }
      pools.add(new PoolConfig(name, List.copyOf(served), balancer, List.copyOf(replicas)));
    }
    return List.copyOf(pools);
  }

  private static Upstream upstream(Node r) {
    String url = r.string("url");
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw r.error("url", "must look like http://HOST:PORT, was '" + url + "' (" + e.getReason() + ")");
    }
    if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() <= 0) {
      throw r.error("url", "must look like http://HOST:PORT, was '" + url + "'");
    }
    if (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/")) {
      throw r.error("url", "must have no path (the gateway forwards the request's own), was '" + url + "'");
    }
    String host = uri.getHost();
    String id = r.string("id", host + ":" + uri.getPort());
    return new Upstream(id, host, uri.getPort(), r.positive("weight", 1.0));
  }

  private static List<ApiKey> keys(Node root) {
    List<ApiKey> keys = new ArrayList<>();
    Set<String> digests = new HashSet<>();
    for (Node k : root.list("keys")) {
      k.allowOnly("sha256", "key", "tenant", "tier", "admin");
      boolean hashed = k.has("sha256");
      if (hashed == k.has("key")) {
        throw k.error("give exactly one of sha256 (the key's SHA-256, hex) or key (plaintext, for demos)");
      }
      String tenant = k.string("tenant");
      String tier = k.string("tier", "standard");
      if (tenant.isBlank()) {
        throw k.error("tenant", "must not be empty");
      }
      ApiKey key;
      try {
        key =
            hashed
                ? ApiKey.fromSha256Hex(k.string("sha256"), tenant, tier, k.bool("admin", false))
                : ApiKey.fromPlaintext(k.string("key"), tenant, tier, k.bool("admin", false));
      } catch (IllegalArgumentException e) {
        throw k.error(hashed ? "sha256" : "key", e.getMessage());
      }
      if (!digests.add(key.digestHex())) {
        throw k.error("the same key is listed twice");
      }
      keys.add(key);
    }
    return List.copyOf(keys);
  }

  private static Duration millis(Node n, String field, double fallback) {
    return Duration.ofNanos(Math.round(n.positive(field, fallback) * 1e6));
  }

  private static Duration seconds(Node n, String field, double fallback) {
    return Duration.ofNanos(Math.round(n.positive(field, fallback) * 1e9));
  }

  /** The model names served, in config order. */
  public List<String> models() {
    List<String> out = new ArrayList<>();
    for (PoolConfig p : pools) {
      out.addAll(p.models());
    }
    return out;
  }
}
