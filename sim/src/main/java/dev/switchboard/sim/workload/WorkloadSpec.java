package dev.switchboard.sim.workload;

import dev.switchboard.config.ConfigException;
import dev.switchboard.config.Node;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A validated {@code workload:} section. Immutable; {@link #create} makes a fresh, deterministic
 * {@link Workload} per call, so every policy of a run can replay the same requests.
 *
 * <pre>
 * workload:
 *   type: poisson            # poisson | bursty | steps | trace
 *   rate_per_s: 40           # or load: 0.8 (of the pool's capacity)
 *   requests: 100000         # and/or duration_s
 *   prompt_tokens: {dist: lognormal, median: 500, sigma: 1.0, max: 8000}
 *   output_tokens: {dist: exponential, mean: 200, max: 2000}
 *   service_time_ms: {dist: uniform, min: 100, max: 1000}   # optional
 *   tiers: [{name: vip, share: 0.1, tenants: 3}, {name: free, share: 0.9, tenants: 20}]
 * </pre>
 */
public final class WorkloadSpec {
  private static final String TYPES = "poisson, bursty, steps, trace";
  private static final String[] COMMON = {"type", "service_time_ms", "tiers", "duration_s"};
  private static final String[] SYNTHETIC = {"prompt_tokens", "output_tokens", "requests"};

  private final String type;
  private final String root;
  private final ArrivalPattern pattern;
  private final RequestShape shape;
  private final StopRule stop;

  private WorkloadSpec(
      String type, String root, ArrivalPattern pattern, RequestShape shape, StopRule stop) {
    this.type = type;
    this.root = root;
    this.pattern = pattern;
    this.shape = shape;
    this.stop = stop;
  }

  /** Validates the section; every error names the field, e.g. {@code workload.rate_per_s}. */
  public static WorkloadSpec parse(Node workload) {
    if (workload.isMissing()) {
      throw workload.error("is required");
    }
    if (!workload.json().isObject()) {
      throw workload.error("must be a mapping");
    }
    if (!workload.has("type")) {
      throw workload.error("type", "is required (one of " + TYPES + ")");
    }
    String type = workload.string("type");
    boolean trace = type.equals("trace");
    ArrivalPattern pattern;
    switch (type) {
      case "poisson" -> {
        workload.allowOnly(fields(SYNTHETIC, PoissonPattern.FIELDS));
        pattern = PoissonPattern.parse(workload);
      }
      case "bursty" -> {
        workload.allowOnly(fields(SYNTHETIC, BurstyPattern.FIELDS));
        pattern = BurstyPattern.parse(workload);
      }
      case "steps" -> {
        workload.allowOnly(fields(SYNTHETIC, StepsPattern.FIELDS));
        pattern = StepsPattern.parse(workload);
      }
      case "trace" -> {
        // Sizes come from the trace; its request cap is max_requests.
        workload.allowOnly(fields(TracePattern.FIELDS));
        pattern = TracePattern.parse(workload);
      }
      default ->
          throw workload.error(
              "type", "unknown workload type '" + type + "' (known: " + TYPES + ")");
    }
    StopRule stop = stopRule(workload, trace ? "max_requests" : "requests", pattern.endless());
    TokenDistribution prompt = null;
    TokenDistribution output = null;
    if (!trace) {
      prompt = TokenDistribution.parse(workload.get("prompt_tokens"), 0);
      output = TokenDistribution.parse(workload.get("output_tokens"), 1);
    }
    DurationDistribution service =
        workload.has("service_time_ms")
            ? DurationDistribution.parse(workload.get("service_time_ms"))
            : null;
    TierMix tiers = TierMix.parse(workload.get("tiers"));
    return new WorkloadSpec(
        type, workload.path(), pattern, new RequestShape(prompt, output, service, tiers), stop);
  }

  /** {@code poisson}, {@code bursty}, {@code steps} or {@code trace}. */
  public String type() {
    return type;
  }

  /**
   * A new workload, the same for the same seed.
   *
   * @param poolCapacityPerSecond requests per second the whole pool can serve, used only by {@code
   *     load}; NaN when the replica model cannot tell
   */
  public Workload create(long seed, double poolCapacityPerSecond) {
    RandomStreams streams = new RandomStreams(seed);
    ArrivalFactory factory = new ArrivalFactory(shape, streams);
    return pattern.create(stop, factory, streams, poolCapacityPerSecond);
  }

  /**
   * This workload replaying {@code path} (e.g. from {@code --trace}, or a resolved relative path).
   */
  public WorkloadSpec withTracePath(Path path) {
    return withPattern(tracePattern("a trace file").withPath(path));
  }

  /** This workload replayed {@code speedup} times faster (e.g. from {@code --speedup}). */
  public WorkloadSpec withSpeedup(double speedup) {
    return withPattern(tracePattern("a speedup").withSpeedup(speedup));
  }

  /** The trace file, if this is a trace workload that has one. */
  public Optional<Path> tracePath() {
    return pattern instanceof TracePattern t ? Optional.ofNullable(t.path()) : Optional.empty();
  }

  /** Whether this is a trace workload still waiting for its file. */
  public boolean needsTracePath() {
    return pattern instanceof TracePattern t && t.path() == null;
  }

  /** The mean of {@code service_time_ms}, when given. */
  public OptionalDouble meanServiceMillis() {
    DurationDistribution service = shape.service();
    return service == null ? OptionalDouble.empty() : OptionalDouble.of(service.meanMillis());
  }

  /** The tiers and tenants requests are spread over. */
  public TierMix tiers() {
    return shape.tiers();
  }

  private TracePattern tracePattern(String what) {
    if (pattern instanceof TracePattern t) {
      return t;
    }
    throw new ConfigException(
        field("type"), "is '" + type + "'; " + what + " can only be given to a trace workload");
  }

  private WorkloadSpec withPattern(ArrivalPattern newPattern) {
    return new WorkloadSpec(type, root, newPattern, shape, stop);
  }

  private String field(String name) {
    return root.isEmpty() ? name : root + "." + name;
  }

  private static StopRule stopRule(Node workload, String requestsField, boolean required) {
    long requests = workload.positiveInteger(requestsField, Long.MAX_VALUE);
    double seconds = workload.positive("duration_s", Double.POSITIVE_INFINITY);
    if (required && !workload.has(requestsField) && !workload.has("duration_s")) {
      throw workload.error(
          requestsField,
          "is required (or duration_s): the arrivals never run out, so something must end them");
    }
    return new StopRule(requests, seconds * 1e9);
  }

  private static String[] fields(String[]... groups) {
    String[] out = COMMON;
    for (String[] g : groups) {
      out = concat(out, g);
    }
    return out;
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
