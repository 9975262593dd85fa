package dev.switchboard.core;

import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where a policy's random choices come from. Live runtimes use {@link #threadLocal()} (safe from
 * any event loop, no contention); the simulator uses {@link #seeded(long)} so that a run with the
 * same seed repeats exactly.
 */
public interface Randomness {

  /** A uniformly distributed int in {@code [0, bound)}; {@code bound > 0}. */
  int nextInt(int bound);

  /** A uniformly distributed double in {@code [0, 1)}. */
  double nextDouble();

  static Randomness threadLocal() {
    return ThreadLocalRandomness.INSTANCE;
  }

  /** A deterministic, single-threaded source. */
  static Randomness seeded(long seed) {
    return new SeededRandomness(seed);
  }

  /** Uses {@link ThreadLocalRandom}; thread-safe. */
  final class ThreadLocalRandomness implements Randomness {
    static final ThreadLocalRandomness INSTANCE = new ThreadLocalRandomness();

    private ThreadLocalRandomness() {}

    @Override
    public int nextInt(int bound) {
      return ThreadLocalRandom.current().nextInt(bound);
    }

    @Override
    public double nextDouble() {
      return ThreadLocalRandom.current().nextDouble();
    }
  }

  /** A seeded {@link SplittableRandom}; for one thread only. */
  final class SeededRandomness implements Randomness {
    private final SplittableRandom random;

    SeededRandomness(long seed) {
      this.random = new SplittableRandom(seed);
    }

    @Override
    public int nextInt(int bound) {
      return random.nextInt(bound);
    }

    @Override
    public double nextDouble() {
      return random.nextDouble();
    }
  }
}
