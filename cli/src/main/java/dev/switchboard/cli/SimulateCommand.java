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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code switchboard simulate}: runs a scenario under each policy and compares them. */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = {
      "Run a scenario in the discrete-event simulator under each policy and compare them side by side.",
      "The policies are the gateway's own code, run on a virtual clock."
    },
    resourceBundle = "dev.switchboard.cli.SimulateCommand")
final class SimulateCommand implements Callable<Integer> {
  /** Runs with at least this many arrivals show a progress bar. */
  private static final long PROGRESS_THRESHOLD = 200_000;

  @Parameters(index = "0", paramLabel = "SCENARIO.yaml", description = "The scenario file (see scenarios/).")
  Path scenarioFile;

  @Option(names = "--policies", split = ",", paramLabel = "a,b,c",
      description = "Policies to run, in order (default: the scenario's list). See 'switchboard policies'.")
  List<String> policies;

  @Mixin ArrivalOptions arrivals;
  @Mixin OutputOptions output;

  @Option(names = "--report", paramLabel = "DIR", description = "Also write an HTML report with charts.")
  Path report;

  @Override
  public Integer call() throws Exception {
    Scenario scenario = Scenario.load(scenarioFile);
    if (policies != null) {
      scenario = scenario.withPolicies(policies);
    }
    if (arrivals.seed != null) {
      scenario = scenario.withSeed(arrivals.seed);
    }
    if (arrivals.trace != null) {
      scenario = scenario.withWorkload(scenario.workload().withTracePath(arrivals.trace));
    }
    if (arrivals.speedup != null) {
      if (!(arrivals.speedup > 0) || arrivals.speedup.isInfinite()) {
        throw new ScenarioException("--speedup", "must be a number > 0, was " + arrivals.speedup);
      }
      scenario = scenario.withWorkload(scenario.workload().withSpeedup(arrivals.speedup));
    }
    SimulationReport result = Simulation.runAll(scenario, progressFactory());
    System.out.print(TableReport.render(result));
    output.writeJson(file -> JsonReport.write(result, file));
    if (report != null) {
      Path index = HtmlReport.write(result, report);
      System.out.println("report written to " + index);
    }
    return 0;
  }

  /** A progress bar on an interactive terminal for runs long enough to wait for. */
  private Simulation.ProgressFactory progressFactory() {
    if (!output.progressShown()) {
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
