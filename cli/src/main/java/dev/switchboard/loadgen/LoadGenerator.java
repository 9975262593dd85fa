package dev.switchboard.loadgen;

import dev.switchboard.sim.workload.PoissonWorkload;
import dev.switchboard.sim.workload.Workload;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An open-loop load generator for an OpenAI-compatible endpoint: sends a workload's requests at
 * their scheduled times on one Vert.x instance, and reports latency from those times.
 */
public final class LoadGenerator {
  private static final long CLOSE_WAIT_SECONDS = 10;

  private final LoadgenConfig config;

  public LoadGenerator(LoadgenConfig config) {
    this.config = config;
  }

  /**
   * Sends the workload and waits until every request is answered, failed or timed out.
   *
   * @throws RuntimeException what the workload threw mid-run (e.g. a bad trace line)
   */
  public LoadgenResult run(Workload workload, LoadgenProgress progress)
      throws InterruptedException {
    ArrivalSchedule schedule = new ArrivalSchedule(workload);
    LatencyRecorder recorder = new LatencyRecorder(config.tiers());
    ChatRequest chat = new ChatRequest(config.model(), config.stream(), config.maxTokens());
    CodeWarmup.run(chat);
    Vertx vertx = Vertx.vertx();
    try {
      HttpClient client = vertx.createHttpClient(clientOptions(), poolOptions());
      LoadRun run =
          new LoadRun(
              vertx, client, schedule, recorder, config, chat, progress, LoadRun.eventLoopTimers(vertx),
              System::nanoTime);
      LoadRun.Times times = await(run.start(vertx.getOrCreateContext()));
      double window = (times.sendEndNanos() - times.startNanos()) / 1e9;
      double elapsed = (times.endNanos() - times.startNanos()) / 1e9;
      return recorder.result(config.target().url(), offeredRate(workload, schedule), window, elapsed);
    } finally {
      close(vertx);
    }
  }

  /**
   * The Poisson rate when there is one; otherwise the arrivals over their scheduled span, which is
   * how the achieved rate is counted too (sent over the span up to the last send).
   */
  private static double offeredRate(Workload workload, ArrivalSchedule schedule) {
    if (workload instanceof PoissonWorkload poisson) {
      return poisson.ratePerSecond();
    }
    double span = schedule.lastAtNanos() / 1e9;
    return span > 0 ? schedule.taken() / span : Double.NaN;
  }

  private HttpClientOptions clientOptions() {
    return new HttpClientOptions()
        .setKeepAlive(true)
        .setTcpNoDelay(true)
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.timeout().toMillis()));
  }

  /** Requests beyond the pool wait in the client's queue, which the latency clock includes. */
  private PoolOptions poolOptions() {
    return new PoolOptions().setHttp1MaxSize(config.connections());
  }

  private static LoadRun.Times await(CompletableFuture<LoadRun.Times> future)
      throws InterruptedException {
    try {
      return future.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("load run failed", e.getCause());
    }
  }

  private static void close(Vertx vertx) throws InterruptedException {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // The results are in; a slow shutdown of the event loops must not lose them.
    }
  }
}
