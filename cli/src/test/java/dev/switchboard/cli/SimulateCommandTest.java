package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class SimulateCommandTest {
  private static final String SMALL =
      """
      name: small
      seed: 5
      policies: [round-robin, peak-ewma, oracle]
      replicas: [{id: a, speed: 1.0}, {id: b, speed: 2.0}]
      model: {type: service-time}
      workload:
        type: poisson
        load: 0.7
        requests: 3000
        prompt_tokens: 10
        output_tokens: 10
        service_time_ms: {dist: uniform, min: 10, max: 100}
      """;

  @TempDir Path dir;
  @RegisterExtension final StandardStreams std = new StandardStreams();

  private Path write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  @Test
  void printsATableAndWritesJsonWithTheDocumentedFields() throws Exception {
    Path scenario = write("s.yaml", SMALL);
    Path json = dir.resolve("out/result.json");
    int code = Main.run("simulate", scenario.toString(), "--json", json.toString(), "--quiet");
    assertThat(code).as(std.err()).isZero();
    assertThat(std.out()).contains("round-robin", "peak-ewma", "oracle", "p99 ms");
    JsonNode root = new ObjectMapper().readTree(json.toFile());
    assertThat(root.get("scenario").asText()).isEqualTo("small");
    assertThat(root.get("seed").asLong()).isEqualTo(5);
    JsonNode first = root.get("results").get(0);
    assertThat(first.get("policy").asText()).isEqualTo("round-robin");
    assertThat(first.get("completed").asLong()).isEqualTo(3000);
    assertThat(first.get("rejected").asLong()).isZero();
    for (String f : new String[] {"latency_ms", "ttft_ms", "queue_wait_ms"}) {
      for (String p : new String[] {"p50", "p95", "p99", "max"}) {
        assertThat(first.get(f).get(p).isNumber()).as(f + "." + p).isTrue();
      }
    }
    assertThat(first.get("replica_share")).hasSize(2);
  }

  @Test
  void policiesAndSeedOptionsOverrideTheScenario() throws Exception {
    Path scenario = write("s.yaml", SMALL);
    Path json = dir.resolve("r.json");
    int code =
        Main.run("simulate", scenario.toString(), "--policies", "least-requests", "--seed", "9",
            "--json", json.toString(), "--quiet");
    assertThat(code).isZero();
    JsonNode root = new ObjectMapper().readTree(json.toFile());
    assertThat(root.get("seed").asLong()).isEqualTo(9);
    assertThat(root.get("results")).hasSize(1);
    assertThat(root.get("results").get(0).get("policy").asText()).isEqualTo("least-requests");
  }

  @Test
  void writesAnHtmlReport() throws Exception {
    Path scenario = write("s.yaml", SMALL);
    int code = Main.run("simulate", scenario.toString(), "--report", dir.resolve("rep").toString(), "--quiet");
    assertThat(code).isZero();
    assertThat(Files.readString(dir.resolve("rep/index.html"))).contains("peak-ewma", "data:image/png;base64,");
  }

  @Test
  void aFailingReplicaAddsErrorsRetriesAndEjectionsToTheTableAndJson() throws Exception {
    Path scenario =
        write(
            "f.yaml",
            SMALL.replace("{id: b, speed: 2.0}", "{id: b, speed: 2.0, faults: {error_rate: 1.0, from_s: 30}}")
                + "health: {consecutive_failures: 3}\n");
    Path json = dir.resolve("f.json");
    int code = Main.run("simulate", scenario.toString(), "--json", json.toString(), "--quiet");
    assertThat(code).as(std.err()).isZero();
    assertThat(std.out()).contains("errors", "retries", "ejections");
    JsonNode first = new ObjectMapper().readTree(json.toFile()).get("results").get(0);
    assertThat(first.get("errors").asLong()).isZero();
    assertThat(first.get("retries").asLong()).isPositive();
    assertThat(first.get("ejections").asLong()).isPositive();
    assertThat(first.get("replica_states").get("b").get(0).get("to").asText()).isEqualTo("EJECTED");
    assertThat(first.get("by_tier").get("standard").get("errors").asLong()).isZero();
  }

  @Test
  void withoutFaultsTheTableHasNoFailureColumns() throws Exception {
    int code = Main.run("simulate", write("s.yaml", SMALL).toString(), "--quiet");
    assertThat(code).isZero();
    assertThat(std.out()).doesNotContain("errors", "retries", "ejections");
  }

  @Test
  void aBadFaultFieldIsBadInputNamingTheField() throws Exception {
    Path scenario = write("s.yaml", SMALL.replace("{id: b, speed: 2.0}", "{id: b, crash_at_s: 5, recover_at_s: 1}"));
    int code = Main.run("simulate", scenario.toString());
    assertThat(code).isEqualTo(2);
    assertThat(std.err()).contains("replicas[1].recover_at_s: must be after crash_at_s");
  }

  @Test
  void anUnknownPolicyIsBadInputNamingTheKnownOnes() throws Exception {
    Path scenario = write("s.yaml", SMALL);
    int code = Main.run("simulate", scenario.toString(), "--policies", "fastest");
    assertThat(code).isEqualTo(2);
    assertThat(std.err()).contains("unknown policy 'fastest'", "peak-ewma");
  }

  @Test
  void aBadScenarioFieldIsBadInputNamingTheField() throws Exception {
    Path scenario = write("s.yaml", SMALL.replace("load: 0.7", "load: -1"));
    int code = Main.run("simulate", scenario.toString());
    assertThat(code).isEqualTo(2);
    assertThat(std.err()).contains("workload.load");
  }

  @Test
  void brokenYamlIsBadInputNamingTheLine() throws Exception {
    Path scenario = write("s.yaml", "name: x\nreplicas: [unclosed\n");
    int code = Main.run("simulate", scenario.toString());
    assertThat(code).isEqualTo(2);
    assertThat(std.err()).contains("s.yaml:").contains("not valid YAML");
  }

  @Test
  void aBadTraceLineIsBadInputNamingFileAndLine() throws Exception {
    Path trace =
        write("t.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:17:03.9799600,10,5\nnot-a-time,1,1\n");
    Path scenario =
        write(
            "trace.yaml",
            """
            name: t
            replicas: {count: 2}
            model: {type: vllm-step}
            workload: {type: trace}
            """);
    int code = Main.run("simulate", scenario.toString(), "--trace", trace.toString());
    assertThat(code).isEqualTo(2);
    assertThat(std.err()).contains("t.csv:3");
  }

  @Test
  void aMissingScenarioFileIsBadInput() {
    int code = Main.run("simulate", dir.resolve("nope.yaml").toString());
    assertThat(code).isEqualTo(2);
    assertThat(std.err()).contains("nope.yaml");
  }

  @Test
  void everyCommandHasHelp() {
    assertThat(Main.run("--help")).isZero();
    assertThat(Main.run("simulate", "--help")).isZero();
    assertThat(Main.run("policies", "--help")).isZero();
    assertThat(std.out()).contains("simulate", "--policies", "--trace", "--speedup");
  }
}
