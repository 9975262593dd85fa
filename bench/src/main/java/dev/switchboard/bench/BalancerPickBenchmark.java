package dev.switchboard.bench;

import dev.switchboard.core.ManualClock;
import dev.switchboard.core.Randomness;
import dev.switchboard.core.balance.Balancer;
import dev.switchboard.core.balance.Balancers;
import dev.switchboard.core.balance.Pick;
import dev.switchboard.core.replica.LoadReport;
import dev.switchboard.core.replica.Replica;
import dev.switchboard.core.balance.ReplicaSet;
import dev.switchboard.core.request.RequestInfo;
import java.util.Arrays;
import java.util.List;
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
 * The cost of one {@link Balancer#pick} per balancer and pool size, against a baseline
 * ({@code first}) that does nothing but return the first candidate.
 *
 * <p>Single-threaded on purpose: {@link Randomness#seeded} is for one thread, and the point is the
 * cost of the decision, not contention. The clock stands still, which changes no work a pick
 * does (the Peak EWMA still computes its decay factor) and keeps the replicas' state the same
 * throughout.
 *
 * <p>Not final: JMH generates subclasses of benchmark classes.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class BalancerPickBenchmark {
  static final String BASELINE = "first";
  private static final long MS = 1_000_000L;

  @Param({"8", "64", "512"})
  int replicas;

  /** {@link #BASELINE} and every name in {@link Balancers#names()}; checked in {@link #setUp}. */
  @Param({
    "first",
    "round-robin",
    "least-requests",
    "peak-ewma",
    "p2c-least-requests",
    "p2c-peak-ewma",
    "llm-aware",
    "shortest-expected-delay"
  })
  String balancer;

  private Balancer policy;
  private ReplicaSet candidates;
  private RequestInfo request;

  @Setup
  public void setUp() throws NoSuchFieldException {
    requireEveryBalancerBenchmarked();
    ManualClock clock = new ManualClock(1_000 * MS);
    candidates = busyReplicas(clock, replicas, Randomness.seeded(7));
    policy =
        BASELINE.equals(balancer)
            ? new FirstCandidate()
            : Balancers.create(balancer, Randomness.seeded(42));
    request = new RequestInfo("llama-3-8b", 512, 256, "bench", "standard");
  }

  @Benchmark
  public Pick pick() {
    return policy.pick(candidates, request);
  }

  /** A balancer added to core but not to the {@code @Param} list would silently go unmeasured. */
  private static void requireEveryBalancerBenchmarked() throws NoSuchFieldException {
    Param listed =
        BalancerPickBenchmark.class.getDeclaredField("balancer").getAnnotation(Param.class);
    List<String> benchmarked = Arrays.asList(listed.value());
    for (String name : Balancers.names()) {
      if (!benchmarked.contains(name)) {
        throw new IllegalStateException("balancer '" + name + "' is missing from @Param balancer");
      }
    }
  }

  /**
   * Replicas that differ in weight, requests in flight, latency, learned service rate and load
   * report, so that every scan compares real, mostly distinct costs.
   */
  private static ReplicaSet busyReplicas(ManualClock clock, int n, Randomness random) {
    Replica[] replicas = new Replica[n];
    boolean[] served = new boolean[n];
    for (int i = 0; i < n; i++) {
      double weight = 1.0 + random.nextInt(4);
      replicas[i] = new Replica("replica-" + i, weight, clock, Replica.DEFAULT_DECAY);
      // One in eight has served nothing yet: no latency sample, no learned rate.
      served[i] = random.nextInt(8) != 0;
    }
    // Service rates first: learning them takes clock time, and idle time does not change them.
    for (int i = 0; i < n; i++) {
      if (served[i]) {
        long start = replicas[i].onDispatch();
        clock.advanceNanos((50 + random.nextInt(1_950)) * MS);
        replicas[i].onComplete(start, true);
      }
    }
    // The rest at one instant, so that no latency estimate has decayed while others were set up.
    for (int i = 0; i < n; i++) {
      Replica r = replicas[i];
      if (served[i]) {
        r.latency().observe((20 + random.nextInt(480)) * MS);
      }
      int inFlight = random.nextInt(16);
      for (int k = 0; k < inFlight; k++) {
        r.onDispatch();
      }
      r.report(new LoadReport(random.nextInt(32), inFlight, random.nextDouble(), clock.nanoTime()));
    }
    return ReplicaSet.of(replicas);
  }

  /** The baseline: the price of the call and of handing back a {@link Pick}, no decision at all. */
  static final class FirstCandidate implements Balancer {
    @Override
    public Pick pick(ReplicaSet candidates, RequestInfo request) {
      return candidates.isEmpty() ? Pick.noReplica() : candidates.pick(0);
    }

    @Override
    public String name() {
      return BASELINE;
    }
  }
}
