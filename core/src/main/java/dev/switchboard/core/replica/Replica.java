package dev.switchboard.core.replica;

import dev.switchboard.core.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the policies know about one replica: identity and weight, its state, requests outstanding
 * from this runtime, latency and service-rate estimates, and the load it last reported.
 *
 * <p>The runtime (gateway or simulator) owns each replica and tells it what happens through
 * {@link #onDispatch()}, {@link #onFirstByte(long)} and {@link #onComplete(long, boolean)};
 * balancers only read it. Safe to use from several event loops at once.
 */
public final class Replica {
  /** Finagle's default decay time for Peak EWMA. */
  public static final Duration DEFAULT_DECAY = Duration.ofSeconds(10);

  private final String id;
  private final double weight;
  private final Clock clock;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final LongAdder dispatched = new LongAdder();
  private final PeakEwma latency;
  private final ServiceRate serviceRate;
  private volatile ReplicaState state = ReplicaState.READY;
  private volatile LoadReport load = LoadReport.NONE;

  /**
   * @param id a name unique in its pool, kept for the replica's life
   * @param weight relative capacity (> 0), used by the weighted policies
   * @param clock the runtime's clock
   * @param decay time constant of the latency and service-rate averages
   */
  public Replica(String id, double weight, Clock clock, Duration decay) {
    this(id, weight, clock, decay, true);
  }

  /**
   * @param learnServiceRate whether to learn the service rate (only shortest-expected-delay reads
   *     it; learning costs a lock and an {@code exp} on every dispatch and completion)
   */
  public Replica(String id, double weight, Clock clock, Duration decay, boolean learnServiceRate) {
    this.id = Objects.requireNonNull(id, "id");
    if (!(weight > 0.0) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException("weight must be a positive number, was " + weight);
    }
    this.weight = weight;
    this.clock = Objects.requireNonNull(clock, "clock");
    long decayNanos = decay.toNanos();
    this.latency = new PeakEwma(clock, decayNanos);
    this.serviceRate = learnServiceRate ? new ServiceRate(clock, decayNanos) : null;
  }

  public Replica(String id, Clock clock) {
    this(id, 1.0, clock, DEFAULT_DECAY);
  }

  public String id() {
    return id;
  }

  public double weight() {
    return weight;
  }

  public ReplicaState state() {
    return state;
  }

  public void setState(ReplicaState state) {
    this.state = Objects.requireNonNull(state, "state");
  }

  /** Requests this runtime has sent to the replica that have not completed. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Requests ever sent to this replica by this runtime. */
  public long dispatchedTotal() {
    return dispatched.sum();
  }

  public LoadReport load() {
    return load;
  }

  /** Stores the latest load report (from a {@code /metrics} scrape, or the simulated engine). */
  public void report(LoadReport report) {
    this.load = Objects.requireNonNull(report, "report");
  }

  public PeakEwma latency() {
    return latency;
  }

  /** Peak EWMA cost with the current outstanding count; lower is better. */
  public double peakEwmaCost() {
    return latency.cost(inFlight.get());
  }

  /**
   * Learned completions per second of busy time, or NaN before the first completion (always NaN
   * for a replica that does not learn it).
   */
  public double serviceRatePerSecond() {
    return serviceRate == null ? Double.NaN : serviceRate.perSecond(inFlight.get());
  }

  /**
   * A request was sent to this replica.
   *
   * @return the start stamp to hand back to {@link #onFirstByte} and {@link #onComplete}
   */
  public long onDispatch() {
    int before = inFlight.getAndIncrement();
    dispatched.increment();
    if (serviceRate != null) {
      serviceRate.onChange(before, false);
    }
    return clock.nanoTime();
  }

  /**
   * The first byte of the response arrived (for a stream, the first token): the latency sample
   * Peak EWMA learns from, as Linkerd measures it.
   */
  public void onFirstByte(long startNanos) {
    latency.observe(clock.nanoTime() - startNanos);
  }

  /**
   * The request finished. A failed request that never produced a first byte still teaches the
   * latency estimate, but never makes the replica look faster than it already does: a replica
   * failing fast must not attract traffic.
   */
  public void onComplete(long startNanos, boolean success) {
    if (!success) {
      latency.observeAtLeastEstimate(clock.nanoTime() - startNanos);
    }
    int before = inFlight.getAndDecrement();
    if (serviceRate != null) {
      serviceRate.onChange(before, success);
    }
  }

  /** An immutable view for reports and the admin API. */
  public ReplicaSnapshot snapshot() {
    return new ReplicaSnapshot(
        id, weight, state, inFlight.get(), latency.estimateNanos(),
        serviceRatePerSecond(), load);
  }

  @Override
  public String toString() {
    return "Replica[" + id + ", " + state + ", inFlight=" + inFlight.get() + "]";
  }
}
