package dev.switchboard.cli;

import dev.switchboard.loadgen.ApiKeys;
import dev.switchboard.loadgen.DurationConverter;
import dev.switchboard.loadgen.LoadGenerator;
import dev.switchboard.loadgen.LoadgenConfig;
import dev.switchboard.loadgen.LoadgenProgress;
import dev.switchboard.loadgen.LoadgenResult;
import dev.switchboard.loadgen.LoadgenResultJson;
import dev.switchboard.loadgen.LoadgenTable;
import dev.switchboard.loadgen.LoadgenWorkload;
import dev.switchboard.loadgen.Target;
import dev.switchboard.loadgen.TierShares;
import dev.switchboard.sim.workload.Workload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code switchboard loadgen}: open-loop load against any OpenAI-compatible endpoint. */
@Command(
    name = "loadgen",
    mixinStandardHelpOptions = true,
    description = {
      "Send chat completions to an OpenAI-compatible URL at scheduled times (open loop), and"
          + " report latency per tier.",
      "Arrivals come from the simulator's workload code: the same workload and seed replay the"
          + " same requests as 'simulate'. Times are measured from each request's scheduled send"
          + " time, so a slow server cannot hide its queue."
    },
    resourceBundle = "dev.switchboard.cli.LoadgenCommand")
final class LoadgenCommand implements Callable<Integer> {
  @Mixin ArrivalOptions arrivals;
  @Mixin OutputOptions output;

  @Option(names = "--url", required = true, paramLabel = "URL",
      description = "Base URL of the server, e.g. http://127.0.0.1:8080 (/v1/chat/completions is added).")
  String url;

  @Option(names = "--model", required = true, paramLabel = "NAME", description = "The model field of each request.")
  String model;

  @Option(names = "--rate", paramLabel = "R", description = "Poisson arrivals, R requests per second.")
  Double rate;

  @Option(names = "--requests", paramLabel = "N", description = "Stop after N arrivals.")
  Long requests;

  @Option(names = "--duration", paramLabel = "D", converter = DurationConverter.class,
      description = "Stop sending after D (60s, 2m, 500ms).")
  Duration duration;

  @Option(names = "--workload", paramLabel = "FILE.yaml",
      description = "A YAML file with a 'workload:' mapping (a scenario file will do); --rate, --requests,"
          + " --duration, --prompt-tokens and --mix override its fields.")
  Path workloadFile;

  @Option(names = "--prompt-tokens", paramLabel = "N",
      description = "Prompt size in tokens, about 4 characters each (default "
          + "256 without a workload file).")
  Integer promptTokens;

  @Option(names = "--max-tokens", paramLabel = "N",
      description = "max_tokens of every request (default: each arrival's output size, 128 without a workload file).")
  Integer maxTokens;

  @Option(names = "--stream", description = "Stream responses (SSE); TTFT is then the first content chunk.")
  boolean stream;

  @Option(names = "--key", paramLabel = "[TIER=]KEY",
      description = "Bearer key for a tier's requests (repeatable); a bare KEY serves every tier without its own.")
  List<String> keys;

  @Option(names = "--mix", paramLabel = "vip=0.1,free=0.9",
      description = "Tiers and their shares of the traffic (default: the workload's tiers, or the --key tiers equally).")
  String mix;

  @Option(names = "--concurrency-limit", paramLabel = "N", defaultValue = "10000",
      description = "Most requests outstanding at once; arrivals over it are counted as dropped_by_loadgen (default ${DEFAULT-VALUE}).")
  int concurrencyLimit;

  @Option(names = "--connections", paramLabel = "N", defaultValue = "256",
      description = "Keep-alive connection pool size (default ${DEFAULT-VALUE}).")
  int connections;

  @Option(names = "--timeout", paramLabel = "D", defaultValue = "60s", converter = DurationConverter.class,
      description = "Cancel a request unanswered D after its scheduled send time, counted as timeout (default ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--warmup", paramLabel = "D", converter = DurationConverter.class,
      description = "First send unrecorded Poisson traffic for this long (e.g. 10s), so that neither"
          + " this process nor the target measures its own JIT warm-up.")
  Duration warmup;

  @Option(names = "--warmup-rate", paramLabel = "R",
      description = "Requests per second during --warmup (default: --rate, else 10).")
  Double warmupRate;

  @Override
  public Integer call() throws Exception {
    Target target = Target.parse(url);
    ApiKeys apiKeys = ApiKeys.parse(keys);
    LoadgenWorkload plan =
        LoadgenWorkload.from(
            new LoadgenWorkload.Options(
                workloadFile, rate, requests, duration, promptTokens, maxTokens,
                mix == null ? null : TierShares.parse(mix), apiKeys.tiers(), arrivals.trace,
                arrivals.speedup, arrivals.seed));
    apiKeys.checkCovers(plan.tierNames());
    LoadgenConfig config =
        new LoadgenConfig(
            target, model, stream, apiKeys, maxTokens == null ? 0 : maxTokens, concurrencyLimit,
            connections, timeout, plan.tierNames());
    if (warmup != null && !warmup.isZero()) {
      double r = warmupRate != null ? warmupRate : rate != null ? rate : 10.0;
      LoadgenWorkload warm =
          LoadgenWorkload.from(
              new LoadgenWorkload.Options(
                  null, r, null, warmup, promptTokens, maxTokens,
                  mix == null ? null : TierShares.parse(mix), apiKeys.tiers(), null, null,
                  arrivals.seed == null ? 0L : arrivals.seed + 1));
      new LoadGenerator(config).run(warm.create(), LoadgenProgress.NONE);
    }
    LoadgenResult result = run(config, plan.create());
    System.out.print(LoadgenTable.render(result));
    output.writeJson(file -> LoadgenResultJson.write(result, file));
    return 0;
  }

  private LoadgenResult run(LoadgenConfig config, Workload workload) throws InterruptedException {
    try (ProgressBar bar = progressBar(workload.expectedCount())) {
      LoadgenProgress progress =
          bar == null
              ? LoadgenProgress.NONE
              : (finished, inFlight) -> {
                bar.stepTo(finished);
                bar.setExtraMessage(inFlight + " in flight");
              };
      return new LoadGenerator(config).run(workload, progress);
    }
  }

  /** A bar on an interactive terminal only; null otherwise (try-with-resources allows null). */
  private ProgressBar progressBar(long expected) {
    return output.progressShown() ? ProgressBars.create("loadgen", expected) : null;
  }
}
