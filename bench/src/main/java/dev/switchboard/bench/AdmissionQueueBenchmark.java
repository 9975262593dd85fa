package dev.switchboard.bench;

import dev.switchboard.core.Clock;
import dev.switchboard.core.admission.AdmissionQueue;
import dev.switchboard.core.admission.QueueSettings;
import dev.switchboard.core.admission.Tier;
import java.time.Duration;
import java.util.ArrayDeque;
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
 * One offer and one poll on an admission queue already holding {@code depth} requests of three
 * tiers and 200 tenants, against a bare {@link ArrayDeque} as the baseline.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AdmissionQueueBenchmark {
  private static final String[] TIERS = {"vip", "standard", "free"};
  private static final String[] TENANTS = new String[200];

  static {
    for (int t = 0; t < TENANTS.length; t++) {
      TENANTS[t] = "tenant-" + t;
    }
  }

  @Param({"100", "10000"})
  public int depth;

  private AdmissionQueue<Object> queue;
  private ArrayDeque<Object> baseline;
  private long i;

  @Setup
  public void setUp() {
    List<Tier> tiers =
        List.of(
            new Tier("vip", 0, 1, Duration.ofHours(1)),
            new Tier("standard", 5, 1, Duration.ofHours(1)),
            new Tier("free", 10, 1, Duration.ofHours(1)));
    queue = new AdmissionQueue<>(tiers, new QueueSettings(depth * 4, Duration.ofSeconds(1)), Clock.system());
    baseline = new ArrayDeque<>();
    for (int k = 0; k < depth; k++) {
      queue.offer(new Object(), TIERS[k % 3], TENANTS[k % TENANTS.length], 0);
      baseline.add(new Object());
    }
  }

  @Benchmark
  public Object offerThenPoll() {
    long k = i++;
    queue.offer(new Object(), TIERS[(int) (k % 3)], TENANTS[(int) (k % TENANTS.length)], 0);
    return queue.poll();
  }

  @Benchmark
  public Object baselineArrayDeque() {
    baseline.add(new Object());
    return baseline.poll();
  }
}
