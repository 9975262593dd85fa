package dev.switchboard.loadgen;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.sim.metrics.Percentiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine-readable result of {@code loadgen --json}. Field names are a contract: {@code url},
 * {@code offered_rate}, {@code achieved_rate}, {@code duration_s}, {@code elapsed_s}, {@code sent},
 * {@code ok}, {@code dropped_by_loadgen}, {@code errors} (by status or kind), {@code tokens},
 * {@code tokens_per_s}, {@code ttft_ms} and {@code latency_ms} ({@code p50, p95, p99, max}), and
 * {@code by_tier} with the same per-tier fields; {@code send_lateness_ms} (the same percentiles)
 * once, for all traffic. A time nothing was measured for is null.
 */
public final class LoadgenResultJson {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private LoadgenResultJson() {}

  public static void write(LoadgenResult result, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, toJson(result) + "\n");
  }

  public static String toJson(LoadgenResult result) {
    try {
      return JSON.writeValueAsString(tree(result));
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise the result", e);
    }
  }

  static ObjectNode tree(LoadgenResult r) {
    ObjectNode root = JSON.createObjectNode();
    root.put("url", r.url());
    number(root, "offered_rate", r.offeredRate());
    number(root, "achieved_rate", r.achievedRate());
    number(root, "duration_s", r.durationSeconds());
    number(root, "elapsed_s", r.elapsedSeconds());
    root.set("send_lateness_ms", percentiles(r.sendLatenessMs()));
    tier(root, r.overall());
    ObjectNode tiers = root.putObject("by_tier");
    r.byTier().forEach((name, t) -> tier(tiers.putObject(name), t));
    return root;
  }

  private static void tier(ObjectNode o, TierResult t) {
    o.put("sent", t.sent());
    o.put("ok", t.ok());
    o.put("dropped_by_loadgen", t.droppedByLoadgen());
    ObjectNode errors = o.putObject("errors");
    t.errors().forEach(errors::put);
    o.put("tokens", t.tokens());
    number(o, "tokens_per_s", t.tokensPerSecond());
    o.set("ttft_ms", percentiles(t.ttftMs()));
    o.set("latency_ms", percentiles(t.latencyMs()));
  }

  private static ObjectNode percentiles(Percentiles p) {
    ObjectNode o = JSON.createObjectNode();
    number(o, "p50", p.p50());
    number(o, "p95", p.p95());
    number(o, "p99", p.p99());
    number(o, "max", p.max());
    return o;
  }

  /** NaN is not JSON; it means "not measured", which is null. */
  private static void number(ObjectNode o, String field, double v) {
    if (Double.isFinite(v)) {
      o.put(field, v);
    } else {
      o.putNull(field);
    }
  }
}
