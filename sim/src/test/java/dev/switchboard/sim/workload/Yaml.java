package dev.switchboard.sim.workload;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.switchboard.config.Node;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Builds scenario nodes from YAML text, the way the scenario loader hands them over. */
final class Yaml {
  private static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory());

  private Yaml() {}

  /** {@code yaml} as the {@code workload:} section. */
  static Node workload(String yaml) {
    return node(yaml, "workload");
  }

  static Node node(String yaml, String path) {
    try {
      return new Node(MAPPER.readTree(yaml), path);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static WorkloadSpec spec(String yaml) {
    return WorkloadSpec.parse(workload(yaml));
  }

  /** Every arrival of {@code workload}, in order. */
  static List<Arrival> drain(Workload workload) {
    List<Arrival> out = new ArrayList<>();
    for (Arrival a = workload.next(); a != null; a = workload.next()) {
      out.add(a);
    }
    return out;
  }
}
