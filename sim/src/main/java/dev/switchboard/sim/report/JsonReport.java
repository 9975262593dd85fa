package dev.switchboard.sim.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.sim.metrics.Percentiles;
import dev.switchboard.sim.metrics.PolicyResult;
import dev.switchboard.sim.metrics.SimulationReport;
import dev.switchboard.sim.metrics.StateChange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine-readable result. Field names are a contract (scripts and the benchmarks read them):
 * {@code scenario}, {@code seed}, {@code results[].policy}, {@code completed}, {@code rejected},
 * {@code errors}, {@code retries}, {@code ejections}, {@code latency_ms}, {@code ttft_ms},
 * {@code queue_wait_ms} ({@code p50, p95, p99, max}), {@code replica_share}, {@code by_tier},
 * {@code replica_states}. Contains nothing that varies between runs of one seed. A summary of
 * nothing ({@code count} 0, e.g. the TTFT of a policy that completed nothing) has null for its
 * times.
 */
public final class JsonReport {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private JsonReport() {}

  public static void write(SimulationReport report, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, toJson(report) + "\n");
  }

  public static String toJson(SimulationReport report) {
    try {
      return JSON.writeValueAsString(tree(report));
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise report", e);
    }
  }

  static ObjectNode tree(SimulationReport report) {
    ObjectNode root = JSON.createObjectNode();
    root.put("scenario", report.scenario());
    root.put("seed", report.seed());
    ArrayNode replicas = root.putArray("replicas");
    for (int i = 0; i < report.replicaIds().size(); i++) {
      replicas.addObject().put("id", report.replicaIds().get(i)).put("speed", report.replicaSpeeds().get(i));
    }
    ArrayNode results = root.putArray("results");
    for (PolicyResult r : report.results()) {
      ObjectNode o = results.addObject();
      o.put("policy", r.policy());
      o.put("completed", r.completed());
      o.put("rejected", r.rejected());
      o.put("errors", r.errors());
      o.put("retries", r.retries());
      o.put("ejections", r.ejections());
      o.set("latency_ms", percentiles(r.latencyMs()));
      o.set("ttft_ms", percentiles(r.ttftMs()));
      o.set("inter_token_ms", percentiles(r.interTokenMs()));
      o.set("queue_wait_ms", percentiles(r.queueWaitMs()));
      o.put("throughput_per_s", r.throughputPerSecond());
      o.put("duration_s", r.durationSeconds());
      ArrayNode share = o.putArray("replica_share");
      for (double s : r.replicaShare()) {
        share.add(s);
      }
      ArrayNode util = o.putArray("replica_utilization");
      for (double u : r.replicaUtilization()) {
        util.add(u);
      }
      ObjectNode tiers = o.putObject("by_tier");
      r.byTier()
          .forEach(
              (name, t) -> {
                ObjectNode tn = tiers.putObject(name);
                tn.put("completed", t.completed());
                tn.put("shed", t.rejected());
                tn.put("rate_limited", t.rateLimited());
                tn.put("errors", t.errors());
                tn.set("latency_ms", percentiles(t.latencyMs()));
                tn.set("ttft_ms", percentiles(t.ttftMs()));
              });
      ObjectNode states = o.putObject("replica_states");
      r.stateChanges()
          .forEach(
              (replica, changes) -> {
                ArrayNode list = states.putArray(replica);
                for (StateChange c : changes) {
                  list.addObject()
                      .put("at_s", c.atSeconds())
                      .put("from", c.from().name())
                      .put("to", c.to().name())
                      .put("reason", c.reason());
                }
              });
    }
    return root;
  }

  private static ObjectNode percentiles(Percentiles p) {
    ObjectNode o = JSON.createObjectNode();
    millis(o, "p50", p.p50());
    millis(o, "p95", p.p95());
    millis(o, "p99", p.p99());
    millis(o, "max", p.max());
    millis(o, "mean", p.mean());
    o.put("count", p.count());
    return o;
  }

  /** NaN, a time nothing was recorded for, is not JSON: it is written as null. */
  private static void millis(ObjectNode o, String field, double value) {
    if (Double.isNaN(value)) {
      o.putNull(field);
    } else {
      o.put(field, value);
    }
  }
}
