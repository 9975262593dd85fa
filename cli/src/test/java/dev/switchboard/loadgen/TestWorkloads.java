package dev.switchboard.loadgen;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.switchboard.config.Node;
import dev.switchboard.sim.workload.Arrival;
import dev.switchboard.sim.workload.Workload;
import dev.switchboard.sim.workload.WorkloadSpec;
import java.util.ArrayList;
import java.util.List;

/** Workloads the load generator's tests share. */
final class TestWorkloads {
  private TestWorkloads() {}

  /** Poisson arrivals at 1,000 a second, one prompt and one output token each. */
  static Workload poisson(long requests, long seed) throws Exception {
    String yaml =
        "{type: poisson, rate_per_s: 1000, requests: " + requests + ", prompt_tokens: 1, output_tokens: 1}";
    return WorkloadSpec.parse(new Node(new ObjectMapper(new YAMLFactory()).readTree(yaml), "workload"))
        .create(seed, Double.NaN);
  }

  /** Every arrival of {@code w}, in order. */
  static List<Arrival> all(Workload w) {
    List<Arrival> out = new ArrayList<>();
    for (Arrival a = w.next(); a != null; a = w.next()) {
      out.add(a);
    }
    return out;
  }
}
