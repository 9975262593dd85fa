package dev.switchboard.cli;

import dev.switchboard.sim.Simulation;
import dev.switchboard.sim.metrics.SimulationReport;
import dev.switchboard.sim.report.HtmlReport;
import dev.switchboard.sim.report.JsonReport;
import dev.switchboard.sim.report.TableReport;
import dev.switchboard.sim.scenario.Scenario;
import dev.switchboard.sim.scenario.ScenarioException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code switchboard simulate}: runs a scenario under each policy and compares them. */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = {
      "Run a scenario in the discrete-event simulator under each policy and compare them side by side.",
      "The policies are the gateway's own code, run on a virtual clock."
    })
final class SimulateCommand implements Callable<Integer> {
  /** Runs with at least this many arrivals show a progress bar. */
  private static final long PROGRESS_THRESHOLD = 200_000;

  @Parameters(index = "0", paramLabel = "SCENARIO.yaml", description = "The scenario file (see scenarios/).")
  Path scenarioFile;

  @Option(names = "--policies", split = ",", paramLabel = "a,b,c",
      description = "Policies to run, in order (default: the scenario's list). See 'switchboard policies'.")
  List<String> policies;

  @Option(names = "--seed", paramLabel = "N", description = "Random seed (default: the scenario's).")
  Long seed;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON.")
  Path json;

  @Option(names = "--report", paramLabel = "DIR", description = "Also write an HTML report with charts.")
  Path report;

  @Option(names = "--trace", paramLabel = "FILE",
      description = "Trace to replay (Azure CSV or Mooncake JSONL), for scenarios of type trace.")
  Path trace;

  @Option(names = "--speedup", paramLabel = "X",
      description = "Replay the trace X times faster (time offsets divided by X).")
  Double speedup;

  @Option(names = "--quiet", description = "No progress bar.")
  boolean quiet;

  @Override
  public Integer call() throws Exception {
    Scenario scenario = Scenario.load(scenarioFile);
    if (policies != null) {
      scenario = scenario.withPolicies(policies);
    }
    if (seed != null) {
      scenario = scenario.withSeed(seed);
    }
    if (trace != null) {
      scenario = scenario.withWorkload(scenario.workload().withTracePath(trace));
    }
    if (speedup != null) {
      if (!(speedup > 0) || speedup.isInfinite()) {
        throw new ScenarioException("--speedup", "must be a number > 0, was " + speedup);
      }
      scenario = scenario.withWorkload(scenario.workload().withSpeedup(speedup));
    }
    SimulationReport result = Simulation.runAll(scenario, progressFactory());
    System.out.print(TableReport.render(result));
    if (json != null) {
      JsonReport.write(result, json);
      System.out.println("JSON written to " + json);
    }
    if (report != null) {
      Path index = HtmlReport.write(result, report);
      System.out.println("report written to " + index);
    }
    return 0;
  }

  /** A progress bar on an interactive terminal for runs long enough to wait for. */
  private Simulation.ProgressFactory progressFactory() {
    if (!ProgressBars.shown(quiet)) {
      return Simulation.ProgressFactory.NONE;
    }
    return (policy, expected) -> {
      if (expected >= 0 && expected < PROGRESS_THRESHOLD) {
        return Simulation.Progress.NONE;
      }
      ProgressBar bar = ProgressBars.create(policy, expected);
      return new Simulation.Progress() {
        @Override
        public void arrivals(long done) {
          bar.stepTo(done);
        }

        @Override
        public void finished() {
          bar.close();
        }
      };
    };
  }
}
