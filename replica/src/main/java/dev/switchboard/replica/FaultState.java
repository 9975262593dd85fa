package dev.switchboard.replica;

import java.util.SplittableRandom;

/**
 * The dice and counters behind {@link Faults}: which request fails or spikes (seeded, so a run can be
 * repeated), and when the crash comes. Used on the replica's event loop only.
 */
final class FaultState {
  private final SplittableRandom random;
  private Faults faults;
  private long admitted;
  private long answered;

  FaultState(Faults faults, SplittableRandom random) {
    this.faults = faults;
    this.random = random;
  }

  Faults faults() {
    return faults;
  }

  void set(Faults value) {
    faults = value;
  }

  boolean stalled() {
    return faults.stall();
  }

  /**
   * A completion request arrives: false once {@code crashAfter} requests are already in hand, as the
   * process is about to die and will never answer this one.
   */
  boolean admit() {
    admitted++;
    return faults.crashAfter() == 0 || admitted <= faults.crashAfter();
  }

  /** A completion request was answered; true when that was the last one before the crash. */
  boolean answer() {
    answered++;
    return faults.crashAfter() > 0 && answered >= faults.crashAfter();
  }

  /** Whether this request gets the injected 500. */
  boolean drawError() {
    return faults.errorRate() > 0 && random.nextDouble() < faults.errorRate();
  }

  /** Extra milliseconds before this request reaches the model, usually 0. */
  long drawSpikeMillis() {
    if (faults.spikeRate() > 0 && faults.spikeMillis() > 0 && random.nextDouble() < faults.spikeRate()) {
      return faults.spikeMillis();
    }
    return 0;
  }
}
