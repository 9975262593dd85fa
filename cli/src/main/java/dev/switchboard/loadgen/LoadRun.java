package dev.switchboard.loadgen;

import dev.switchboard.sim.workload.Arrival;
import io.vertx.core.Context;
import io.vertx.core.Timer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One run on one Vert.x context: a timer set for the next arrival's time sends every arrival that
 * has come due, never waiting for earlier answers (open loop). The timer is the event loop's own,
 * to the nanosecond, rather than a millisecond tick: a tick would send each request up to 1 ms
 * late (0.5 ms at the median), more than a proxy hop takes, and every latency would carry it. How
 * late each send was is reported. Timers and HTTP callbacks all run on that context's thread, so
 * the counters here need no locks.
 */
final class LoadRun {
  private static final long PROGRESS_MILLIS = 250;

  /** When the run started, stopped sending, and ended (on the run's clock). */
  record Times(long startNanos, long sendEndNanos, long endNanos) {}

  /** The send loop's wake-ups: the event loop's timer in a run, a recording one in tests. */
  interface Timers {
    /** Runs {@code task} on the run's thread after {@code delayNanos} (> 0); returns its cancel. */
    Runnable after(long delayNanos, Runnable task);
  }

  private final Vertx vertx;
  private final HttpClient client;
  private final ArrivalSchedule schedule;
  private final LatencyRecorder recorder;
  private final LoadgenConfig config;
  private final ChatRequest chat;
  private final LoadgenProgress progress;
  private final Timers timers;
  private final LongSupplier clock;
  private final CompletableFuture<Times> result = new CompletableFuture<>();
  private long startNanos;
  private long sendEndNanos;
  private Runnable cancelSend;
  private long progressTimer;
  private long outstanding;
  private long finished;
  private boolean sending = true;

  /**
   * @param timers the send loop's wake-ups ({@link #eventLoopTimers} in a real run)
   * @param clock the send loop's clock; a real run's is {@code System::nanoTime}, which its
   *     requests time themselves with
   */
  LoadRun(
      Vertx vertx,
      HttpClient client,
      ArrivalSchedule schedule,
      LatencyRecorder recorder,
      LoadgenConfig config,
      ChatRequest chat,
      LoadgenProgress progress,
      Timers timers,
      LongSupplier clock) {
    this.timers = timers;
    this.clock = clock;
    this.vertx = vertx;
    this.client = client;
    this.schedule = schedule;
    this.recorder = recorder;
    this.config = config;
    this.chat = chat;
    this.progress = progress;
  }

  /** Netty's scheduler under Vert.x's {@code timer}: to the nanosecond, unlike {@code setTimer}. */
  static Timers eventLoopTimers(Vertx vertx) {
    return (delayNanos, task) -> {
      Timer timer = vertx.timer(delayNanos, TimeUnit.NANOSECONDS);
      timer.onSuccess(v -> task.run());
      return timer::cancel;
    };
  }

  /** Starts on {@code context}; completes when every request has its outcome. */
  CompletableFuture<Times> start(Context context) {
    context.runOnContext(v -> begin());
    return result;
  }

  /** Starts on the calling thread, which must be the run's. */
  void begin() {
    startNanos = clock.getAsLong();
    progressTimer = vertx.setPeriodic(PROGRESS_MILLIS, id -> progress.update(finished, outstanding));
    sendDue();
  }

  private void sendDue() {
    cancelSend = null;
    if (!sending) {
      return;
    }
    long now = clock.getAsLong();
    try {
      for (Arrival a : schedule.due(now - startNanos)) {
        launch(a);
      }
    } catch (RuntimeException e) {
      abort(e); // e.g. a bad line deep in a trace: report it rather than a partial run
      return;
    }
    if (schedule.exhausted()) {
      sending = false;
      sendEndNanos = now;
      maybeEnd();
      return;
    }
    // Sending took time: measure the wait from after it. At least 1 ns, as the timer requires.
    long wait = startNanos + schedule.nextAtNanos() - clock.getAsLong();
    cancelSend = timers.after(Math.max(1, wait), this::sendDue);
  }

  private void launch(Arrival a) {
    if (outstanding >= config.concurrencyLimit()) {
      recorder.dropped(a.tier());
      finished++;
      return;
    }
    long scheduled = startNanos + a.atNanos();
    recorder.sent(a.tier(), clock.getAsLong() - scheduled);
    outstanding++;
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setHost(config.target().host())
            .setPort(config.target().port())
            .setSsl(config.target().tls())
            .setURI(config.target().path())
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .putHeader(HttpHeaders.ACCEPT, config.stream() ? "text/event-stream" : "application/json");
    config
        .keys()
        .keyFor(a.tier())
        .ifPresent(key -> options.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + key));
    new InFlightRequest(vertx, recorder, a, scheduled, this::requestDone)
        .send(client, options, Buffer.buffer(chat.body(a)), scheduled + config.timeout().toNanos());
  }

  private void requestDone() {
    outstanding--;
    finished++;
    maybeEnd();
  }

  private void maybeEnd() {
    if (sending || outstanding > 0 || result.isDone()) {
      return;
    }
    vertx.cancelTimer(progressTimer);
    progress.update(finished, 0);
    result.complete(new Times(startNanos, sendEndNanos, clock.getAsLong()));
  }

  private void abort(RuntimeException e) {
    sending = false;
    if (cancelSend != null) {
      cancelSend.run();
    }
    vertx.cancelTimer(progressTimer);
    result.completeExceptionally(e);
  }
}
