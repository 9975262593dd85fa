package dev.switchboard.loadgen;

/** Told a few times a second how the run is going; for a progress bar. */
public interface LoadgenProgress {
  LoadgenProgress NONE = (finished, inFlight) -> {};

  /**
   * @param finished requests answered, failed or dropped so far
   * @param inFlight requests outstanding now
   */
  void update(long finished, long inFlight);
}
