package dev.switchboard.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.Node;
import dev.switchboard.config.Yaml;
import dev.switchboard.sim.workload.Workload;
import dev.switchboard.sim.workload.WorkloadSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The workload loadgen replays, built as a {@code workload:} tree (from {@code --workload} and/or
 * the options) and read by the simulator's own {@link WorkloadSpec}: for the same tree and seed,
 * loadgen and {@code simulate} produce the same arrivals.
 */
public final class LoadgenWorkload {
  /** Prompt size when neither the options nor a workload file give one. */
  static final int DEFAULT_PROMPT_TOKENS = 256;

  /** Output size when neither {@code --max-tokens} nor a workload file give one. */
  static final int DEFAULT_OUTPUT_TOKENS = 128;

  /** A scenario's default seed, so a scenario file replays as {@code simulate} runs it. */
  private static final long DEFAULT_SEED = 1;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final WorkloadSpec spec;
  private final long seed;

  private LoadgenWorkload(WorkloadSpec spec, long seed) {
    this.spec = spec;
    this.seed = seed;
  }

  /**
   * The command's workload options; null means not given.
   *
   * @param file a YAML file with a {@code workload:} mapping (a scenario file will do)
   * @param keyTiers tiers named by {@code --key}, the mix when nothing else gives one
   */
  public record Options(
      Path file,
      Double rate,
      Long requests,
      Duration duration,
      Integer promptTokens,
      Integer maxTokens,
      TierShares mix,
      List<String> keyTiers,
      Path trace,
      Double speedup,
      Long seed) {}

  public static LoadgenWorkload from(Options o) {
    validateNumbers(o);
    JsonNode fileRoot = o.file() == null ? null : read(o.file());
    ObjectNode w = fileRoot == null ? fromOptions(o) : fromFile(fileRoot, o);
    boolean trace = "trace".equals(w.path("type").asText());
    if (o.requests() != null) {
      w.put(trace ? "max_requests" : "requests", o.requests());
    }
    if (o.duration() != null) {
      w.put("duration_s", o.duration().toNanos() / 1e9);
    }
    if (o.mix() != null) {
      w.set("tiers", tiers(o.mix().shares()));
    } else if (!w.has("tiers") && o.keyTiers() != null && !o.keyTiers().isEmpty()) {
      Map<String, Double> equal = new LinkedHashMap<>(); // several keyed tiers: equal shares
      o.keyTiers().forEach(t -> equal.put(t, 1.0));
      w.set("tiers", tiers(equal));
    }
    WorkloadSpec spec = WorkloadSpec.parse(new Node(w, "workload"));
    if (o.trace() != null) {
      spec = spec.withTracePath(o.trace());
    }
    if (o.speedup() != null) {
      spec = spec.withSpeedup(o.speedup());
    }
    long seed =
        o.seed() != null
            ? o.seed()
            : fileRoot != null ? new Node(fileRoot, "").integer("seed", DEFAULT_SEED) : DEFAULT_SEED;
    return new LoadgenWorkload(spec, seed);
  }

  public WorkloadSpec spec() {
    return spec;
  }

  public long seed() {
    return seed;
  }

  /** The tier names, in the mix's order. */
  public List<String> tierNames() {
    return spec.tiers().tierNames();
  }

  /** A fresh workload; the pool's capacity is unknown here, so {@code load:} is refused. */
  public Workload create() {
    return spec.create(seed, Double.NaN);
  }

  private static ObjectNode fromOptions(Options o) {
    ObjectNode w = NODES.objectNode();
    if (o.trace() != null) {
      if (o.rate() != null) {
        throw new ConfigException(
            "--rate", "a trace sets its own arrival times (use --speedup to replay it faster)");
      }
      if (o.promptTokens() != null) {
        throw new ConfigException("--prompt-tokens", "a trace gives each request's prompt size");
      }
      w.put("type", "trace");
      return w;
    }
    if (o.rate() == null) {
      throw new ConfigException("--rate", "is required (or --trace FILE, or --workload FILE)");
    }
    if (o.requests() == null && o.duration() == null) {
      throw new ConfigException(
          "--requests", "give --requests N or --duration D: an open loop never runs out");
    }
    w.put("type", "poisson");
    w.put("rate_per_s", o.rate());
    w.put("prompt_tokens", o.promptTokens() != null ? o.promptTokens() : DEFAULT_PROMPT_TOKENS);
    w.put("output_tokens", o.maxTokens() != null ? o.maxTokens() : DEFAULT_OUTPUT_TOKENS);
    return w;
  }

  private static ObjectNode fromFile(JsonNode root, Options o) {
    JsonNode section = root.isObject() ? root.get("workload") : null;
    if (section == null || !section.isObject()) {
      throw new ConfigException(
          o.file().toString(), "must hold a 'workload:' mapping (as a scenario file does)");
    }
    ObjectNode w = section.deepCopy();
    String type = w.path("type").asText();
    if (o.rate() == null && w.has("load")) {
      throw new ConfigException(
          "--rate",
          "is required: the workload in " + o.file() + " gives load (a share of the simulated"
              + " pool's capacity), which a real server does not tell");
    }
    if (o.rate() != null) {
      if (!type.equals("poisson")) {
        throw new ConfigException(
            "--rate", "sets a poisson rate, but the workload in " + o.file() + " is '" + type + "'");
      }
      w.remove("load");
      w.put("rate_per_s", o.rate());
    }
    if (o.promptTokens() != null) {
      if (type.equals("trace")) {
        throw new ConfigException("--prompt-tokens", "a trace gives each request's prompt size");
      }
      w.put("prompt_tokens", o.promptTokens());
    }
    return w;
  }

  private static ArrayNode tiers(Map<String, Double> shares) {
    ArrayNode list = NODES.arrayNode();
    shares.forEach((name, share) -> list.addObject().put("name", name).put("share", share));
    return list;
  }

  private static JsonNode read(Path file) {
    return Yaml.readFile(file).json();
  }


  private static void validateNumbers(Options o) {
    if (o.rate() != null && (!(o.rate() > 0) || o.rate().isInfinite())) {
      throw new ConfigException("--rate", "must be a number > 0, was " + o.rate());
    }
    if (o.requests() != null && o.requests() <= 0) {
      throw new ConfigException("--requests", "must be > 0, was " + o.requests());
    }
    if (o.duration() != null && (o.duration().isZero() || o.duration().isNegative())) {
      throw new ConfigException("--duration", "must be > 0");
    }
    if (o.promptTokens() != null && o.promptTokens() < 0) {
      throw new ConfigException("--prompt-tokens", "must be >= 0, was " + o.promptTokens());
    }
    if (o.maxTokens() != null && o.maxTokens() < 1) {
      throw new ConfigException("--max-tokens", "must be >= 1, was " + o.maxTokens());
    }
    if (o.speedup() != null && (!(o.speedup() > 0) || o.speedup().isInfinite())) {
      throw new ConfigException("--speedup", "must be a number > 0, was " + o.speedup());
    }
  }
}
