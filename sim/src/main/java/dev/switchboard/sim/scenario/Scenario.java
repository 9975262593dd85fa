package dev.switchboard.sim.scenario;

import dev.switchboard.config.AdmissionConfig;
import dev.switchboard.config.HealthConfig;
import dev.switchboard.config.Node;
import dev.switchboard.config.Yaml;
import dev.switchboard.config.RateLimitsConfig;
import dev.switchboard.config.RetryConfig;
import dev.switchboard.core.ratelimit.RateLimits;
import dev.switchboard.core.balance.BalancerOptions;
import dev.switchboard.sim.fault.FaultSpec;
import dev.switchboard.sim.model.ReplicaModelSpec;
import dev.switchboard.sim.model.StepModelSpec;
import dev.switchboard.sim.policy.Policies;
import dev.switchboard.sim.workload.WorkloadSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * A simulation scenario, read from YAML and validated: every error names its field.
 *
 * <pre>
 * name: seed-balancers
 * description: one line
 * seed: 42
 * policies: [round-robin, peak-ewma, oracle]
 * replicas: [{id: r0, speed: 1.0}, {id: r1, speed: 2.0}]   # or {count: 16, speed: 1.0}
 *   # each listed replica may have faults: see FaultSpec
 * model: {type: service-time, slots: 1}                      # or {type: vllm-step, ...}
 * workload: {type: poisson, load: 0.8, requests: 200000, service_time_ms: ...}
 * streaming: false            # does the first byte come with the first token?
 * metrics_interval_ms: 100    # how often replicas' load reports are scraped
 * balancer: {decay_s: 10, llm_aware: {queue: 1, kv_cache: 1, in_flight: 1}}
 * admission: {tiers: [...], max_queued: 1000, max_in_flight: 1}   # optional: the gateway's queue
 * ratelimit: {requests_per_minute: 60, tiers: {free: {tokens_per_minute: 50000}}}   # optional; per tenant
 * health: {consecutive_failures: 5, base_ejection_ms: 5000, probe_interval_ms: 1000}  # the gateway's
 * retries: {max_attempts: 3, budget_percent: 20, budget_min_per_s: 10}              # the gateway's
 * </pre>
 */
public record Scenario(
    String name,
    String description,
    long seed,
    List<String> policies,
    List<ReplicaSpec> replicas,
    ReplicaModelSpec model,
    WorkloadSpec workload,
    boolean streaming,
    long metricsIntervalNanos,
    Duration decay,
    BalancerOptions balancerOptions,
    AdmissionConfig admission,
    RateLimits rateLimits,
    HealthConfig health,
    RetryConfig retries) {

  /**
   * Reads and validates a scenario file. A relative trace path in it is relative to the working
   * directory, like one given with {@code --trace}: scenarios are run from the repository root.
   */
  public static Scenario load(Path file) {
    return parse(Yaml.readFile(file));
  }


  public static Scenario parse(Node root) {
    root.allowOnly(
        "name", "description", "seed", "policies", "replicas", "model", "workload", "streaming",
        "metrics_interval_ms", "balancer", "admission", "ratelimit", "health", "retries");
    String name = root.string("name");
    String description = root.string("description", "");
    long seed = root.integer("seed", 1);
    ReplicaModelSpec model = ReplicaModelSpec.parse(root.object("model"));
    List<ReplicaSpec> replicas = parseReplicas(root);
    WorkloadSpec workload = WorkloadSpec.parse(root.object("workload"));
    List<String> policies = new ArrayList<>();
    for (Node p : root.list("policies")) {
      String policy = p.asString();
      if (!Policies.exists(policy)) {
        throw p.error("unknown policy '" + policy + "' (known: " + String.join(", ", Policies.names()) + ")");
      }
      policies.add(policy);
    }
    if (policies.isEmpty()) {
      policies.addAll(Policies.names());
    }
    boolean streaming = root.bool("streaming", model instanceof StepModelSpec);
    long interval = Math.round(root.positive("metrics_interval_ms", 100) * 1e6);
    Node balancer = root.get("balancer").allowOnly("decay_s", "llm_aware");
    Duration decay = Duration.ofNanos(Math.round(balancer.positive("decay_s", 10) * 1e9));
    Node llm = balancer.get("llm_aware").allowOnly("queue", "kv_cache", "in_flight");
    BalancerOptions options =
        new BalancerOptions(
            new BalancerOptions.LlmAwareWeights(
                llm.nonNegative("queue", 1), llm.nonNegative("kv_cache", 1), llm.nonNegative("in_flight", 1)));
    AdmissionConfig admission = AdmissionConfig.parseOptional(root.get("admission"));
    if (admission != null) {
      for (String tier : workload.tiers().tierNames()) {
        if (!admission.tierNames().contains(tier)) {
          throw root.error(
              "workload.tiers", "tier '" + tier + "' is not one of admission.tiers " + admission.tierNames());
        }
      }
    }
    Node limits = root.get("ratelimit");
    RateLimits rateLimits = null;
    if (!limits.isMissing()) {
      limits.allowOnly(RateLimitsConfig.RPM, RateLimitsConfig.TPM, "tiers");
      rateLimits = RateLimitsConfig.parseLimits(limits, false);
    }
    // Always on, with the gateway's defaults when absent: the simulator runs what the gateway runs.
    HealthConfig health = HealthConfig.parse(root.get("health"));
    RetryConfig retries = RetryConfig.parse(root.get("retries"));
    return new Scenario(
        name, description, seed, List.copyOf(policies), replicas, model, workload, streaming,
        interval, decay, options, admission, rateLimits, health, retries);
  }

  private static List<ReplicaSpec> parseReplicas(Node root) {
    Node node = root.get("replicas");
    if (node.isMissing()) {
      throw node.error("is required");
    }
    List<ReplicaSpec> out = new ArrayList<>();
    if (node.json().isObject()) {
      node.allowOnly("count", "speed", "weight");
      long count = node.positiveInteger("count", 1);
      if (count > 10_000) {
        throw node.error("count", "must be <= 10000, was " + count);
      }
      double speed = node.positive("speed", 1.0);
      double weight = node.positive("weight", 1.0);
      for (int i = 0; i < count; i++) {
        out.add(new ReplicaSpec("r" + i, speed, weight, FaultSpec.NONE));
      }
      return List.copyOf(out);
    }
    List<Node> list = root.list("replicas");
    if (list.isEmpty()) {
      throw node.error("must name at least one replica");
    }
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      Node r = list.get(i);
      List<String> fields = new ArrayList<>(List.of("id", "speed", "weight"));
      fields.addAll(List.of(FaultSpec.FIELDS));
      r.allowOnly(fields.toArray(String[]::new));
      String id = r.string("id", "r" + i);
      if (id.isBlank() || !ids.add(id)) {
        throw r.error("id", "must be unique and non-empty, was '" + id + "'");
      }
      out.add(new ReplicaSpec(id, r.positive("speed", 1.0), r.positive("weight", 1.0), FaultSpec.parse(r)));
    }
    return List.copyOf(out);
  }

  /** Requests per second the pool sustains, or NaN when the model cannot say. */
  public double poolCapacityPerSecond() {
    OptionalDouble mean = workload.meanServiceMillis();
    double total = 0;
    for (ReplicaSpec r : replicas) {
      total += model.capacityPerSecond(r.speed(), mean);
    }
    return total;
  }

  public Scenario withWorkload(WorkloadSpec w) {
    return new Scenario(
        name, description, seed, policies, replicas, model, w, streaming, metricsIntervalNanos, decay,
        balancerOptions, admission, rateLimits, health, retries);
  }

  public Scenario withSeed(long newSeed) {
    return new Scenario(
        name, description, newSeed, policies, replicas, model, workload, streaming, metricsIntervalNanos,
        decay, balancerOptions, admission, rateLimits, health, retries);
  }

  /** Replaces the policy list; each name is checked. */
  public Scenario withPolicies(List<String> names) {
    for (String p : names) {
      if (!Policies.exists(p)) {
        throw new ScenarioException(
            "--policies", "unknown policy '" + p + "' (known: " + String.join(", ", Policies.names()) + ")");
      }
    }
    if (names.isEmpty()) {
      throw new ScenarioException("--policies", "name at least one policy");
    }
    return new Scenario(
        name, description, seed, List.copyOf(names), replicas, model, workload, streaming,
        metricsIntervalNanos, decay, balancerOptions, admission, rateLimits, health, retries);
  }
}
