package dev.switchboard.cli;

import dev.switchboard.replica.Faults;
import dev.switchboard.replica.ReplicaOptions;
import dev.switchboard.replica.ReplicaServer;
import dev.switchboard.sim.model.StepModelSpec;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code switchboard replica}: one simulated vLLM server, until Ctrl-C. */
@Command(
    name = "replica",
    mixinStandardHelpOptions = true,
    description = {
      "Serve a simulated vLLM replica: the OpenAI completions API, /v1/models, /health",
      "and vLLM's /metrics, with tokens paced in real time by the simulator's step model."
    })
final class ReplicaCommand implements Callable<Integer> {
  private static final long CLOSE_TIMEOUT_SECONDS = 5;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--host", paramLabel = "ADDR", defaultValue = ReplicaOptions.DEFAULT_HOST,
      description = "Address to bind (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", paramLabel = "N", defaultValue = "8000",
      description = "Port to bind, 0 for any free one (default: ${DEFAULT-VALUE}, as vLLM).")
  int port;

  @Option(names = "--model", paramLabel = "NAME", defaultValue = "meta-llama/Llama-3.1-8B-Instruct",
      description = "The model name it serves (default: ${DEFAULT-VALUE}, the model the step model's timings fit).")
  String model;

  @Option(names = "--speed", paramLabel = "X", defaultValue = "1.0",
      description = "Speed factor: 1.0 nominal, 2.0 half as fast (default: ${DEFAULT-VALUE}).")
  double speed;

  @Option(names = "--max-num-seqs", paramLabel = "N", description = "Batch slots (default: vLLM's 256).")
  Integer maxNumSeqs;

  @Option(names = "--kv-capacity-tokens", paramLabel = "N",
      description = "Tokens the KV cache holds (default: 400000, an 8B model on one H100).")
  Long kvCapacityTokens;

  @Option(names = "--error-rate", paramLabel = "F", defaultValue = "0",
      description = "Fraction of completions answered 500 (default: ${DEFAULT-VALUE}).")
  double errorRate;

  @Option(names = "--spike-rate", paramLabel = "F", defaultValue = "0",
      description = "Fraction of completions delayed by --spike-ms (default: ${DEFAULT-VALUE}).")
  double spikeRate;

  @Option(names = "--spike-ms", paramLabel = "MS", defaultValue = "0",
      description = "Length of a latency spike in milliseconds (default: ${DEFAULT-VALUE}).")
  long spikeMillis;

  @Option(names = "--stall", description = "Accept connections but never answer anything, health included.")
  boolean stall;

  @Option(names = "--crash-after", paramLabel = "N",
      description = "Close the listener and every connection after answering N completions.")
  Long crashAfter;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
      description = "Seed for the injected faults and response ids (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    ReplicaOptions options = options();
    Vertx vertx = Vertx.vertx();
    ReplicaServer server;
    try {
      server = ReplicaServer.start(vertx, options).await(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalArgumentException(
          "cannot listen on " + options.host() + ":" + options.port() + ": " + e.getMessage(), e);
    }
    CountDownLatch closed = new CountDownLatch(1);
    // Ctrl-C and SIGTERM run shutdown hooks: close the port and connections before the JVM exits.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        // Two awaits, not a chain: a chained future would complete on the replica's own event loop,
        // which Vert.x shuts down while closing.
        server.close().await(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        vertx.close().await(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("replica did not close cleanly: " + e.getMessage());
      } finally {
        closed.countDown();
      }
    }, "replica-shutdown"));
    System.out.println("replica " + options.modelName() + " listening on " + server.baseUrl());
    System.out.flush();
    closed.await();
    return 0;
  }

  private ReplicaOptions options() {
    require(!(speed > 0) || Double.isInfinite(speed), "--speed", "must be a number > 0, was " + speed);
    require(port < 0 || port > 65_535, "--port", "must be in [0, 65535], was " + port);
    require(model.isBlank(), "--model", "must not be blank");
    require(!(errorRate >= 0 && errorRate <= 1), "--error-rate", "must be in [0, 1], was " + errorRate);
    require(!(spikeRate >= 0 && spikeRate <= 1), "--spike-rate", "must be in [0, 1], was " + spikeRate);
    require(spikeMillis < 0, "--spike-ms", "must be >= 0, was " + spikeMillis);
    require(spikeRate > 0 && spikeMillis == 0, "--spike-ms", "must be > 0 when --spike-rate is set");
    require(crashAfter != null && crashAfter < 1, "--crash-after", "must be >= 1, was " + crashAfter);
    require(maxNumSeqs != null && (maxNumSeqs < 1 || maxNumSeqs > 1_000_000),
        "--max-num-seqs", "must be in [1, 1000000], was " + maxNumSeqs);
    require(kvCapacityTokens != null && kvCapacityTokens < 1,
        "--kv-capacity-tokens", "must be >= 1, was " + kvCapacityTokens);

    StepModelSpec d = StepModelSpec.defaults();
    StepModelSpec model = new StepModelSpec(
        d.beta0Micros(),
        d.beta1Micros(),
        d.beta2Micros(),
        maxNumSeqs == null ? d.maxNumSeqs() : maxNumSeqs,
        d.maxBatchedTokens(),
        kvCapacityTokens == null ? d.kvCapacityTokens() : kvCapacityTokens);
    Faults faults = new Faults(errorRate, spikeRate, spikeMillis, stall, crashAfter == null ? 0 : crashAfter);
    return ReplicaOptions.of(this.model)
        .withHost(host)
        .withPort(port)
        .withSpeed(speed)
        .withModelSpec(model)
        .withFaults(faults)
        .withSeed(seed);
  }

  /** A bad option is a usage error: picocli prints it with the usage and exits with code 2. */
  private void require(boolean violated, String option, String message) {
    if (violated) {
      throw new CommandLine.ParameterException(spec.commandLine(), option + " " + message);
    }
  }
}
