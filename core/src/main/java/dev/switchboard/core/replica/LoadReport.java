package dev.switchboard.core.replica;

/**
 * What a replica last said about its own load, as vLLM exports it ({@code num_requests_waiting},
 * {@code num_requests_running}, {@code kv_cache_usage_perc}). Reports arrive by scraping, so they
 * are always somewhat stale: {@code atNanos} says when it was taken, on the runtime's clock.
 *
 * @param waiting requests queued inside the engine, not yet scheduled
 * @param running requests in the running batch
 * @param kvCacheUsage fraction of KV-cache blocks in use, 0..1
 * @param atNanos when the report was taken
 */
public record LoadReport(int waiting, int running, double kvCacheUsage, long atNanos) {

  /** No report yet: an idle replica as far as anyone knows. */
  public static final LoadReport NONE = new LoadReport(0, 0, 0.0, Long.MIN_VALUE);

  public LoadReport {
    if (waiting < 0) {
      throw new IllegalArgumentException("waiting must be >= 0, was " + waiting);
    }
    if (running < 0) {
      throw new IllegalArgumentException("running must be >= 0, was " + running);
    }
    if (!(kvCacheUsage >= 0.0 && kvCacheUsage <= 1.0)) {
      throw new IllegalArgumentException("kvCacheUsage must be in [0, 1], was " + kvCacheUsage);
    }
  }

  public boolean isKnown() {
    return atNanos != Long.MIN_VALUE;
  }
}
