package dev.switchboard.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.ManualClock;
import dev.switchboard.core.ratelimit.RateLimitResult;
import dev.switchboard.core.ratelimit.BucketSpec;
import dev.switchboard.core.ratelimit.BucketStore;
import dev.switchboard.core.ratelimit.InMemoryBucketStore;
import dev.switchboard.core.ratelimit.Quota;
import dev.switchboard.core.ratelimit.RateDecision;
import dev.switchboard.core.ratelimit.RateLimits;
import dev.switchboard.core.ratelimit.TokenBucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The outage policy, on a store that can be switched down or made to hang; no Redis needed. */
class GatewayRateLimiterTest {
  private static final RateLimits THIRTY_RPM = new RateLimits(new Quota(30, 0), Map.of(), Map.of());

  private final ManualClock clock = new ManualClock();
  private final SwitchableStore store = new SwitchableStore(new InMemoryBucketStore(new ManualClock()));

  private GatewayRateLimiter limiter(OnOutage onOutage, Duration timeout) {
    RateLimitConfig.Redis settings = new RateLimitConfig.Redis("redis://127.0.0.1:6379", 3, onOutage, timeout);
    return GatewayRateLimiter.shared(THIRTY_RPM, store, settings, clock);
  }

  private static RateLimitResult acquire(GatewayRateLimiter limiter) {
    return limiter.acquire("k", "standard", 1).toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).join();
  }

  private static int admitted(GatewayRateLimiter limiter, int attempts) {
    int admitted = 0;
    for (int i = 0; i < attempts; i++) {
      if (acquire(limiter).allowed()) {
        admitted++;
      }
    }
    return admitted;
  }

  @Test
  void whileTheStoreIsUpEveryDecisionIsShared() {
    GatewayRateLimiter limiter = limiter(OnOutage.FAIL_OPEN, Duration.ofMillis(100));
    assertThat(admitted(limiter, 40)).isEqualTo(30);
    assertThat(limiter.redisAvailable()).isTrue();
    assertThat(limiter.fallbackDecisions()).isZero();
  }

  @Test
  void failOpenAdmitsAShareOfTheLimitLocally() {
    GatewayRateLimiter limiter = limiter(OnOutage.FAIL_OPEN, Duration.ofMillis(100));
    store.mode = Mode.DOWN;
    assertThat(admitted(limiter, 20)).as("30 / 3 peers").isEqualTo(10);
    assertThat(limiter.redisAvailable()).isFalse();
    assertThat(limiter.fallbackDecisions()).isEqualTo(20);
  }

  @Test
  void failClosedAnswersUnavailableWithARetryAfter() {
    GatewayRateLimiter limiter = limiter(OnOutage.FAIL_CLOSED, Duration.ofMillis(100));
    store.mode = Mode.DOWN;
    RateDecision d = acquire(limiter).decision();
    assertThat(d.outcome()).isEqualTo(RateDecision.Outcome.UNAVAILABLE);
    assertThat(d.retryAfterNanos()).isEqualTo(GatewayRateLimiter.PROBE_INTERVAL.toNanos());
  }

  @Test
  void whileDownOnlyOneRequestPerProbeIntervalTriesTheStore() {
    GatewayRateLimiter limiter = limiter(OnOutage.FAIL_OPEN, Duration.ofMillis(100));
    store.mode = Mode.DOWN;
    admitted(limiter, 10);
    assertThat(store.tries.get()).as("only the request that found it down").isEqualTo(1);
    clock.advance(GatewayRateLimiter.PROBE_INTERVAL.minusNanos(1));
    admitted(limiter, 10);
    assertThat(store.tries.get()).isEqualTo(1);
    clock.advanceNanos(1);
    admitted(limiter, 10);
    assertThat(store.tries.get()).isEqualTo(2);
  }

  @Test
  void theFirstProbeThatSucceedsSharesTheLimitsAgain() {
    GatewayRateLimiter limiter = limiter(OnOutage.FAIL_OPEN, Duration.ofMillis(100));
    store.mode = Mode.DOWN;
    admitted(limiter, 5);
    store.mode = Mode.UP;
    admitted(limiter, 5);
    assertThat(limiter.redisAvailable()).as("no probe is due yet").isFalse();
    clock.advance(GatewayRateLimiter.PROBE_INTERVAL);
    long fallbacks = limiter.fallbackDecisions();
    assertThat(admitted(limiter, 40)).as("the shared bucket was untouched").isEqualTo(30);
    assertThat(limiter.redisAvailable()).isTrue();
    assertThat(limiter.fallbackDecisions()).isEqualTo(fallbacks);
  }

  @Test
  void aStoreThatDoesNotAnswerTimesOutInsteadOfHoldingTheRequest() throws Exception {
    GatewayRateLimiter limiter = limiter(OnOutage.FAIL_OPEN, Duration.ofMillis(50));
    store.mode = Mode.HUNG;
    RateLimitResult a = limiter.acquire("k", "standard", 1).toCompletableFuture().get(2, TimeUnit.SECONDS);
    assertThat(a.allowed()).isTrue();
    assertThat(limiter.redisAvailable()).isFalse();
    assertThat(limiter.fallbackDecisions()).isEqualTo(1);
  }

  @Test
  void goingDownAndComingBackAreLoggedOnceEach() {
    Logger logger = Logger.getLogger(GatewayRateLimiter.class.getName());
    List<LogRecord> records = new ArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            records.add(r);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    logger.addHandler(capture);
    try {
      GatewayRateLimiter limiter = limiter(OnOutage.FAIL_OPEN, Duration.ofMillis(100));
      store.mode = Mode.DOWN;
      for (int i = 0; i < 3; i++) {
        admitted(limiter, 3);
        clock.advance(GatewayRateLimiter.PROBE_INTERVAL);
      }
      store.mode = Mode.UP;
      admitted(limiter, 3);
      assertThat(records).extracting(LogRecord::getLevel).containsExactly(Level.WARNING, Level.INFO);
    } finally {
      logger.removeHandler(capture);
    }
  }

  @Test
  void aLocalLimiterAdmitsTheWholeLimitAndNeverFallsBack() {
    GatewayRateLimiter limiter = GatewayRateLimiter.local(THIRTY_RPM, clock);
    assertThat(admitted(limiter, 40)).isEqualTo(30);
    assertThat(limiter.redisAvailable()).isTrue();
    assertThat(limiter.fallbackDecisions()).isZero();
  }

  @Test
  void aLocalLimiterDecidesOnTheCallersThreadWhileASharedOneRefusesTo() {
    GatewayRateLimiter local = GatewayRateLimiter.local(THIRTY_RPM, clock);
    assertThat(local.decidesAtOnce()).isTrue();
    assertThat(local.acquireNow("k", "standard", 1).decision().allowed()).isTrue();

    GatewayRateLimiter shared = limiter(OnOutage.FAIL_OPEN, Duration.ofMillis(20));
    assertThat(shared.decidesAtOnce()).isFalse();
    assertThatThrownBy(() -> shared.acquireNow("k", "standard", 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("acquire()");
  }

  private enum Mode {
    UP,
    DOWN,
    HUNG
  }

  /** A store that works, fails at once, or never answers, and counts the decisions it is asked for. */
  private static final class SwitchableStore implements BucketStore {
    private final BucketStore up;
    volatile Mode mode = Mode.UP;
    final AtomicInteger tries = new AtomicInteger();

    SwitchableStore(BucketStore up) {
      this.up = up;
    }

    @Override
    public TokenBucket bucket(String name, BucketSpec spec) {
      TokenBucket bucket = up.bucket(name, spec);
      return new TokenBucket() {
        @Override
        public CompletionStage<ConsumptionProbe> tryConsume(long tokens) {
          tries.incrementAndGet();
          return mode == Mode.UP ? bucket.tryConsume(tokens) : broken();
        }

        @Override
        public CompletionStage<Void> refund(long tokens) {
          return mode == Mode.UP ? bucket.refund(tokens) : broken();
        }

        @Override
        public CompletionStage<Void> charge(long tokens) {
          return mode == Mode.UP ? bucket.charge(tokens) : broken();
        }
      };
    }

    private <T> CompletionStage<T> broken() {
      return mode == Mode.HUNG
          ? new CompletableFuture<>()
          : CompletableFuture.failedFuture(new IllegalStateException("store down"));
    }
  }
}
