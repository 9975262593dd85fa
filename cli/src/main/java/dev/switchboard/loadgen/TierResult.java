package dev.switchboard.loadgen;

import dev.switchboard.sim.metrics.Percentiles;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What one tier (or all traffic) got.
 *
 * @param sent requests sent; each ends {@code ok} or as one error
 * @param ok requests answered 2xx and read to the end
 * @param droppedByLoadgen arrivals not sent because {@code --concurrency-limit} was reached
 * @param errors failed requests by kind: the HTTP status ({@code "429"}), or {@code connect},
 *     {@code reset}, {@code timeout}, {@code tls}, {@code other}
 * @param tokens tokens received: streamed content chunks, or {@code usage.completion_tokens}
 * @param tokensPerSecond tokens over the whole run, first arrival to last response
 * @param ttftMs time to first token of the {@code ok} requests, from their scheduled send time
 * @param latencyMs end-to-end latency of the {@code ok} requests, from their scheduled send time
 */
public record TierResult(
    long sent,
    long ok,
    long droppedByLoadgen,
    SortedMap<String, Long> errors,
    long tokens,
    double tokensPerSecond,
    Percentiles ttftMs,
    Percentiles latencyMs) {

  public TierResult {
    errors = Collections.unmodifiableSortedMap(new TreeMap<>(errors));
  }

  /** All failed requests, of every kind. */
  public long errorCount() {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }
}
