package dev.switchboard.bench;

import dev.switchboard.sim.Simulation;
import dev.switchboard.sim.metrics.PolicyResult;
import dev.switchboard.config.Yaml;
import dev.switchboard.sim.scenario.Scenario;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Wall time of one whole simulation: 1,000,000 requests through 16 replicas. The goal is the
 * vLLM step model in at most 10 s; the service-time model under round robin is the baseline, the
 * cost of the event engine, workload and metrics with the cheapest model and policy.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(1)
public class SimulatorBenchmark {
  @Param({"vllm-step", "service-time"})
  public String model;

  @Param({"round-robin", "p2c-peak-ewma", "llm-aware"})
  public String policy;

  @Param({"1000000"})
  public long requests;

  private Scenario scenario;

  @Setup
  public void setUp() throws Exception {
    String modelYaml =
        model.equals("vllm-step")
            ? "{type: vllm-step, max_num_seqs: 256, max_batched_tokens: 8192, kv_capacity_tokens: 400000}"
            : "{type: service-time, slots: 32, base_ms: 20, per_prompt_token_ms: 0.02, per_output_token_ms: 6}";
    // About 70% of what 16 step-model replicas sustain with these token sizes.
    String yaml =
        """
        name: sim-speed
        seed: 1
        replicas: {count: 16, speed: 1.0}
        model: %s
        workload:
          type: poisson
          rate_per_s: 400
          requests: %d
          prompt_tokens: {dist: lognormal, median: 512, sigma: 0.8, max: 8000}
          output_tokens: {dist: lognormal, median: 128, sigma: 0.8, max: 2000}
        """
            .formatted(modelYaml, requests);
    scenario = Scenario.parse(Yaml.parse(yaml));
  }

  @Benchmark
  public PolicyResult simulate() {
    PolicyResult r = Simulation.run(scenario, policy, Simulation.ProgressFactory.NONE);
    if (r.completed() != requests) {
      throw new IllegalStateException("completed " + r.completed() + " of " + requests);
    }
    return r;
  }
}
